using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.Hosting;

/// <summary>
/// Checks the gateway's options at start (<c>ValidateOnStart</c>), before anything listens; each message names the
/// configuration key to fix, e.g. <c>SocketIO:Engine:PingInterval must be at least 1 (was 0).</c>
/// </summary>
internal sealed class SocketIOOptionsValidator : IValidateOptions<SocketIOOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketIOOptions options)
    {
        var failures = new OptionsFailures();
        const string S = SocketIOOptions.Section;
        if (string.IsNullOrWhiteSpace(options.Path) || !options.Path.StartsWith('/'))
            failures.Add($"{S}:Path must start with '/' (was '{options.Path}').");
        failures.Positive($"{S}:ConnectTimeout", options.ConnectTimeout);
        failures.AtLeast($"{S}:MaxInboundPackets", options.MaxInboundPackets, 1);
        failures.AtLeast($"{S}:MaxInboundBytes", options.MaxInboundBytes, 1);
        failures.AtLeast($"{S}:MaxEventsPerSocketCall", options.MaxEventsPerSocketCall, 1);
        failures.Positive($"{S}:PostedEventTimeout", options.PostedEventTimeout);
        if (options.AdvertisedUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            failures.Add($"{S}:AdvertisedUrl must be an absolute URL such as http://host:5000 (was '{url}').");

        var engine = options.Engine;
        const string E = $"{S}:{nameof(SocketIOOptions.Engine)}";
        if (engine is null) failures.Add($"{E} must not be null.");
        else
        {
            failures.AtLeast($"{E}:PingInterval", engine.PingInterval, 1);
            failures.AtLeast($"{E}:PingTimeout", engine.PingTimeout, 1);
            failures.AtLeast($"{E}:UpgradeTimeout", engine.UpgradeTimeout, 1);
            failures.AtLeast($"{E}:MaxHttpBufferSize", engine.MaxHttpBufferSize, 1);
            if (engine.MaxHttpBufferSize > int.MaxValue - 1)
                failures.Add($"{E}:MaxHttpBufferSize must be at most {int.MaxValue - 1} (was {engine.MaxHttpBufferSize}).");
            failures.AtLeast($"{E}:MaxPacketsPerPoll", engine.MaxPacketsPerPoll, 1);
            failures.AtLeast($"{E}:MaxBufferedPackets", engine.MaxBufferedPackets, 1);
            failures.AtLeast($"{E}:MaxBufferedBytes", engine.MaxBufferedBytes, 1);
            if (engine.Transports is not { Length: > 0 })
                failures.Add($"{E}:Transports must name at least one transport (\"polling\", \"websocket\").");
            else
                foreach (var transport in engine.Transports.Where(t => t is not (EngineServer.PollingName or EngineServer.WebSocketName)))
                    failures.Add($"{E}:Transports: unknown transport \"{transport}\" (expected \"polling\" or \"websocket\").");
        }

        var batching = options.EventBatching;
        const string B = $"{S}:{nameof(SocketIOOptions.EventBatching)}";
        if (batching is null) failures.Add($"{B} must not be null.");
        else
        {
            if (!Enum.IsDefined(batching.Mode)) failures.Add($"{B}:Mode must be Auto, Enabled or Disabled (was {batching.Mode}).");
            failures.AtLeast($"{B}:MaxEvents", batching.MaxEvents, 1);
            failures.AtLeast($"{B}:MaxBytes", batching.MaxBytes, 1);
            failures.AtLeast($"{B}:MaxInFlight", batching.MaxInFlight, 1);
            if (!Enum.IsDefined(batching.Transport)) failures.Add($"{B}:Transport must be GrainCall or EventLink (was {batching.Transport}).");
            failures.AtLeast($"{B}:MaxAnswerBytes", batching.MaxAnswerBytes, 1);
            failures.Positive($"{B}:EventLinkRetryDelay", batching.EventLinkRetryDelay);
        }

        var warmUp = options.WarmUp;
        const string W = $"{S}:{nameof(SocketIOOptions.WarmUp)}";
        if (warmUp is null) failures.Add($"{W} must not be null.");
        else
        {
            failures.AtLeast($"{W}:Connections", warmUp.Connections, 1);
            failures.AtLeast($"{W}:ConnectionsPerRound", warmUp.ConnectionsPerRound, 1);
            failures.AtLeast($"{W}:EventsPerConnection", warmUp.EventsPerConnection, 1);
            failures.AtLeast($"{W}:SettledMethods", warmUp.SettledMethods, 0);
            failures.Positive($"{W}:MaxDuration", warmUp.MaxDuration);
            if (warmUp.CompilerQuietPeriod < TimeSpan.Zero) failures.Add($"{W}:CompilerQuietPeriod must not be negative (was {warmUp.CompilerQuietPeriod}).");
            if (warmUp.Enabled && options.Engine is { Transports: { } transports } && !transports.Contains(EngineServer.WebSocketName))
                failures.Add($"{W}:Enabled needs the \"websocket\" transport in {S}:Engine:Transports (the warm-up connects over it).");
        }

        var parser = options.Parser;
        const string P = $"{S}:{nameof(SocketIOOptions.Parser)}";
        if (parser is null) failures.Add($"{P} must not be null.");
        else
        {
            failures.AtLeast($"{P}:MaxAttachments", parser.MaxAttachments, 0);
            failures.AtLeast($"{P}:MaxPendingBinaryBytes", parser.MaxPendingBinaryBytes, 1);
            failures.AtLeast($"{P}:MaxDepth", parser.MaxDepth, 1);
        }
        return failures.ToResult();
    }
}

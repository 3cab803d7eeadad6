using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Gateway.EngineIO;

/// <summary>Maps an Engine.IO endpoint.</summary>
internal static class EngineIOEndpointExtensions
{
    /// <summary>
    /// Serves Engine.IO for <paramref name="application"/> under <paramref name="path"/> (e.g. "/engine.io/"):
    /// GET/POST/OPTIONS for long-polling and WebSocket handshakes, for every sub-path, as Node does.
    /// WebSocket support is included (no need for <c>app.UseWebSockets()</c>); its keep-alive pings are off, the
    /// Engine.IO heartbeat does that job. Sessions are closed when the host stops.
    /// With a <paramref name="router"/>, a request for a session another gateway holds is relayed to it (no sticky sessions).
    /// The clock is <paramref name="time"/>, else the host's <see cref="TimeProvider"/>, else the system's.
    /// </summary>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, string path, IEngineApplication application, EngineIOOptions options,
        IEngineSessionRouter? router = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var services = endpoints.ServiceProvider;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var server = new EngineServer(
            application,
            options,
            new EngineLog(loggerFactory.CreateLogger("OrleansSocket.Gateway.EngineIO")),
            time ?? services.GetService<TimeProvider>() ?? TimeProvider.System,
            router);
        var lifetime = services.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(server.CloseAll);
        lifetime?.ApplicationStopped.Register(server.DisposeForwarding);

        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        pipeline.Run(server.HandleRequestAsync);

        var prefix = "/" + path.Trim('/');
        return endpoints.Map(prefix + "/{**engineIOPath}", pipeline.Build())
            .WithDisplayName("Engine.IO " + prefix + "/");
    }

    /// <summary>Same, with the options registered by <see cref="EngineIOServiceCollectionExtensions.AddEngineIO(IServiceCollection, Action{EngineIOOptions}?)"/> and their <see cref="EngineIOOptions.Path"/>.</summary>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, IEngineApplication application)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<EngineIOOptions>>().Value;
        return endpoints.MapEngineIO(options.Path, application, options);
    }
}

/// <summary>Registers <see cref="EngineIOOptions"/> (the options pattern).</summary>
internal static class EngineIOServiceCollectionExtensions
{
    /// <summary>Registers <see cref="EngineIOOptions"/>, configured by <paramref name="configure"/> when given.</summary>
    public static IServiceCollection AddEngineIO(this IServiceCollection services, Action<EngineIOOptions>? configure = null)
    {
        var builder = services.AddOptions<EngineIOOptions>();
        if (configure is not null) builder.Configure(configure);
        return services;
    }

    /// <summary>
    /// Binds the options from a configuration section (e.g. <c>configuration.GetSection(EngineIOOptions.SectionName)</c>).
    /// Configured arrays replace the defaults instead of being appended to them.
    /// </summary>
    public static IServiceCollection AddEngineIO(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<EngineIOOptions>().Configure(options => BindReplacingArrays(section, options));
        return services;
    }

    internal static void BindReplacingArrays(IConfiguration section, EngineIOOptions options)
    {
        section.Bind(options);
        ReplaceArrays(section, options);
    }

    /// <summary>
    /// The binder appends configured array items to the defaults (<c>Transports:0=websocket</c> would keep
    /// polling); a configured array replaces the default instead, as a user setting it expects.
    /// </summary>
    internal static void ReplaceArrays(IConfiguration section, EngineIOOptions options)
    {
        var transports = section.GetSection(nameof(EngineIOOptions.Transports));
        if (transports.Exists()) options.Transports = transports.Get<string[]>() ?? [];
        var origins = section.GetSection($"{nameof(EngineIOOptions.Cors)}:{nameof(EngineCorsOptions.AllowedOrigins)}");
        if (origins.Exists()) options.Cors.AllowedOrigins = origins.Get<string[]>() ?? [];
    }
}

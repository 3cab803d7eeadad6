using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// The admin namespace's handlers, where the grains run (socket.io-admin-ui's <c>lib/index.ts</c>): the sign-in
/// (middleware), the <c>config</c> and, in development mode, <c>all_sockets</c> on connect, and the operations the UI
/// sends, run through the cluster adapter so that they reach sockets on any gateway.
/// </summary>
internal sealed class AdminNamespace
{
    private readonly AdminUIOptions _options;
    private readonly AdminSessions _sessions;
    private readonly SocketIOBuilder _handlers;
    private readonly ILogger _logger;

    private AdminNamespace(AdminUIOptions options, AdminSessions sessions, SocketIOBuilder handlers, ILogger logger)
    {
        _options = options;
        _sessions = sessions;
        _handlers = handlers;
        _logger = logger;
        Features = options.ReadOnly ? ["AGGREGATED_EVENTS"] : [.. AdminOperation.Features, "AGGREGATED_EVENTS"];
        if (options.Mode == AdminUIMode.Development) Features = [.. Features, "ALL_EVENTS"];
    }

    /// <summary>What the <c>config</c> event announces.</summary>
    public string[] Features { get; }

    /// <summary>Declares the admin namespace on <paramref name="io"/> (a <see cref="SocketIOHandlerContribution"/>).</summary>
    public static void Configure(ISocketIOBuilder io, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AdminUIOptions>>().Value;
        var admin = new AdminNamespace(options, services.GetRequiredService<AdminSessions>(), (SocketIOBuilder)io,
            services.GetRequiredService<ILoggerFactory>().CreateLogger<AdminNamespace>());
        var ns = options.Namespace;
        if (options.Authentication == AdminUIAuthentication.Basic) io.Use(admin.AuthenticateAsync, ns);
        io.OnConnect(async (ISocket socket) => await admin.OnConnectAsync(socket), ns);
        io.OnAny(admin.OnEventAsync, ns);
    }

    /// <summary>A valid session id, or the user name and password (checked against the bcrypt hash); then a new session id.</summary>
    internal async Task AuthenticateAsync(ISocket socket, Func<Task> next)
    {
        var (sessionId, username, password) = ReadAuth(socket.Handshake.AuthJson);
        if (_sessions.IsValid(sessionId))
        {
            await next();
            return;
        }
        if (username is not null && password is not null && string.Equals(username, _options.Username, StringComparison.Ordinal)
            // bcrypt is slow on purpose (tens of milliseconds): off the grain's scheduler.
            && await Task.Run(() => BCrypt.Net.BCrypt.Verify(password, _options.PasswordHash)))
        {
            // Sent before the CONNECT reply is known; the gateway holds it back until the reply went out.
            await socket.EmitAsync("session", _sessions.Issue());
            await next();
            return;
        }
        AdminUILog.InvalidCredentials(_logger, socket.Namespace);
        throw new ConnectionRefusedException("invalid credentials");
    }

    internal async Task OnConnectAsync(ISocket socket)
    {
        await socket.EmitAsync("config", new AdminConfig(Features));
        if (_options.Mode == AdminUIMode.Development) await socket.EmitAsync("all_sockets", await AllSocketsAsync(socket.Server));
    }

    internal async Task OnEventAsync(ISocket socket, string eventName, JsonElement[] args)
    {
        if (AdminOperation.Parse(eventName, args, out var error) is not { } operation)
        {
            AdminUILog.IgnoredEvent(_logger, eventName, socket.Id, error!);
            return;
        }
        if (_options.ReadOnly)
        {
            AdminUILog.IgnoredEvent(_logger, eventName, socket.Id, "the admin namespace is read-only");
            return;
        }
        AdminUILog.Operation(_logger, socket.Id, operation);
        await operation.RunAsync(socket.Server);
    }

    /// <summary>
    /// Every socket of every namespace, from every gateway (Node's <c>fetchSockets</c> per namespace of <c>io._nsps</c>):
    /// the namespaces the application declares and those the gateways have sockets in (a namespace served only through
    /// a <c>"*"</c> handler is known once a client connected to it, as a dynamic namespace's child in Node).
    /// </summary>
    private async Task<AdminSocket[]> AllSocketsAsync(ISocketIO server)
    {
        IEnumerable<string> inUse = server is Emitting.SocketIOEmitter emitter ? await emitter.NamespacesAsync() : [];
        var namespaces = _handlers.Namespaces.Keys.Where(n => n != SocketIOBuilder.AnyNamespace).Append("/").Concat(inUse).Distinct();
        var fetched = await Task.WhenAll(namespaces.Select(n => server.Of(n).FetchSocketsAsync()));
        return [.. fetched.SelectMany(s => s).Select(AdminSocketSerializer.Serialize)];
    }

    private static (string? SessionId, string? Username, string? Password) ReadAuth(byte[] authJson)
    {
        try
        {
            using var auth = JsonDocument.Parse(authJson);
            if (auth.RootElement.ValueKind != JsonValueKind.Object) return default;
            return (Text(auth.RootElement, "sessionId"), Text(auth.RootElement, "username"), Text(auth.RootElement, "password"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? Text(JsonElement auth, string name) =>
        auth.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

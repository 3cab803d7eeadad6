using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Grains.Handlers;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Grains.Admin;

/// <summary>
/// The Admin UI's development mode, where the grains run: what happens to this silo's sockets (<c>socket_connected</c>,
/// <c>socket_disconnected</c>, <c>room_joined</c>, <c>room_left</c>, <c>socket_updated</c>, <c>event_received</c>,
/// <c>event_sent</c>) goes to the admin namespace through the cluster adapter, one at a time in the order it happened.
/// Each is encoded when it happens, so that what waits is counted in bytes: at most
/// <see cref="AdminUIOptions.MaxPendingEvents"/> notices and <see cref="AdminUIOptions.MaxPendingEventBytes"/> bytes
/// wait to be sent; past either the newest are dropped (the UI misses them; the socket list is whole again when it
/// reconnects). Events of the admin namespace's own sockets are not reported (they carry its session ids).
/// </summary>
internal sealed class AdminActivity : BackgroundService, ISocketActivity
{
    private readonly AdminNoticeQueue _pending;
    private readonly AdminUIOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<AdminActivity> _logger;
    private readonly bool _enabled;

    public AdminActivity(IOptions<AdminUIOptions> options, IServiceProvider services, TimeProvider time, ILogger<AdminActivity> logger)
    {
        _options = options.Value;
        _services = services;
        _time = time;
        _logger = logger;
        _enabled = _options.Mode == AdminUIMode.Development;
        _pending = new AdminNoticeQueue(_options.MaxPendingEvents, _options.MaxPendingEventBytes);
    }

    /// <summary>How many notices were dropped because a bound of the queue was reached.</summary>
    public long Dropped => _pending.Dropped;

    /// <summary>How many notices wait to be sent (the one being sent included).</summary>
    public int Pending => _pending.Count;

    /// <summary>The bytes of the notices that wait to be sent (the one being sent included).</summary>
    public long PendingBytes => _pending.Bytes;

    public bool IsEnabled => _enabled;

    public void Connected(RemoteSocket socket) => Add("socket_connected", AdminSocketSerializer.Serialize(socket), Now);

    public void Disconnected(string ns, string socketId, string reason) => Add("socket_disconnected", ns, socketId, reason, Now);

    public void Joined(string ns, string socketId, IReadOnlyList<string> rooms)
    {
        foreach (var room in rooms) Add("room_joined", ns, room, socketId, Now);
    }

    public void Left(string ns, string socketId, IReadOnlyList<string> rooms)
    {
        foreach (var room in rooms) Add("room_left", ns, room, socketId, Now);
    }

    public void EventReceived(string ns, string socketId, string eventName, SocketPayload payload)
    {
        if (ns != _options.Namespace) Add("event_received", ns, socketId, Args(eventName, payload), Now);
    }

    public void EventSent(string ns, string socketId, string eventName, SocketPayload payload)
    {
        if (ns != _options.Namespace) Add("event_sent", ns, socketId, Args(eventName, payload), Now);
    }

    /// <summary>As Node's <c>socket.data</c> proxy: the socket's whole data (the UI merges it into what it shows).</summary>
    public void DataChanged(string ns, string socketId, byte[] dataJson) =>
        Add("socket_updated", new Dictionary<string, object> { ["id"] = socketId, ["nsp"] = ns, ["data"] = AdminSocketSerializer.Data(dataJson) });

    public void TransportChanged(string ns, string socketId, string transport) =>
        Add("socket_updated", new Dictionary<string, string> { ["id"] = socketId, ["nsp"] = ns, ["transport"] = transport });

    private DateTimeOffset Now => _time.GetUtcNow();

    private void Add(string eventName, params object?[] args)
    {
        if (!_enabled) return;
        // Encoded now, as the emit would encode it: what waits is these bytes, not the objects they came from.
        if (!_pending.TryAdd(new AdminNotice(eventName, PayloadSerializer.Serialize(args)), out var startedDropping) && startedDropping)
            AdminUILog.NoticesDropped(_logger, eventName, _options.MaxPendingEvents, _options.MaxPendingEventBytes);
    }

    /// <summary>As Node's <c>onAny</c> listener gets them: the event name, then its arguments (binary ones as placeholders).</summary>
    private static JsonElement[] Args(string eventName, SocketPayload payload)
    {
        using var json = JsonDocument.Parse(payload.ArgsJson);
        return [JsonSerializer.SerializeToElement(eventName), .. json.RootElement.EnumerateArray().Select(a => a.Clone())];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled) return;
        var admin = _services.GetRequiredService<ISocketIO>().Of(_options.Namespace);
        try
        {
            await foreach (var notice in _pending.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await admin.EmitAsync(notice.Event, notice.Payload);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    AdminUILog.ActivityFailed(_logger, notice.Event, ex);
                }
                finally
                {
                    _pending.Release(notice);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: what is pending is not sent
        }
    }
}

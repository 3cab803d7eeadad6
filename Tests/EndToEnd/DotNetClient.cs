using System.Text.Json;
using SocketIOClient;
using SocketIOClient.Transport;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The NuGet <c>SocketIOClient</c> (3.0.6) for the end-to-end tests: records every event it receives,
/// and every wait (connect, next event, ack) is bounded and fails with what was received instead.
/// </summary>
internal sealed class DotNetClient : IAsyncDisposable
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    /// <summary>How long "nothing more arrives" is watched for.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private readonly List<(string Event, SocketIOResponse Response)> _items = [];
    private readonly TaskCompletionSource<string> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DotNetClient(string name, SocketIO socket)
    {
        Name = name;
        Socket = socket;
        socket.OnAny(Record);
        socket.OnDisconnected += (_, reason) => _disconnected.TrySetResult(reason);
    }

    /// <summary>
    /// Records <paramref name="eventName"/> through its own handler: SocketIOClient 3.0.6 does not pass
    /// events with binary arguments to <c>OnAny</c> handlers (only to <c>On</c>), so wait for those this way.
    /// </summary>
    public void ListenBinary(string eventName) => Socket.On(eventName, response => Record(eventName, response));

    private void Record(string eventName, SocketIOResponse response)
    {
        lock (_items) _items.Add((eventName, response));
    }

    public string Name { get; }
    public SocketIO Socket { get; }
    public string Id => Socket.Id ?? throw new InvalidOperationException($"{Name} has no socket id (not connected)");

    /// <summary>The reason the client saw for its disconnection.</summary>
    public Task<string> Disconnected => _disconnected.Task;

    public static DotNetClient Create(string baseUrl, string name, TransportProtocol transport, object? auth = null, string ns = "/")
    {
        var socket = new SocketIO(baseUrl + ns, new SocketIOOptions
        {
            EIO = 4,
            Transport = transport,
            AutoUpgrade = false,
            Reconnection = false,
            ConnectionTimeout = StepTimeout,
            Auth = auth ?? new { },
            Query = [new("tag", name)],
        });
        return new DotNetClient(name, socket);
    }

    /// <summary>Connects and waits for the namespace CONNECT; fails with the error when refused.</summary>
    public static async Task<DotNetClient> Connect(string baseUrl, string name, TransportProtocol transport, object? auth = null, string ns = "/")
    {
        var client = Create(baseUrl, name, transport, auth, ns);
        var outcome = await client.ConnectOrError();
        if (outcome is not null) Assert.Fail($"{name}: connection to {ns} failed: {outcome}");
        return client;
    }

    /// <summary>Connects; null when connected, else the error the client reported (a refusal's message).</summary>
    public async Task<string?> ConnectOrError()
    {
        var result = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Socket.OnConnected += (_, _) => result.TrySetResult(null);
        Socket.OnError += (_, error) => result.TrySetResult(error);
        var connect = Socket.ConnectAsync();
        var done = await Task.WhenAny(result.Task, Task.Delay(StepTimeout));
        if (done != result.Task)
        {
            var fault = connect.IsFaulted ? connect.Exception!.GetBaseException().Message : "no connect and no error";
            Assert.Fail($"{Name}: timed out after {StepTimeout.TotalSeconds:F0} s connecting ({fault})");
        }
        return await result.Task;
    }

    /// <summary>Emits with an ack and returns the ack (bounded).</summary>
    public async Task<SocketIOResponse> Call(string eventName, params object[] args)
    {
        var ack = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Socket.EmitAsync(eventName, r => ack.TrySetResult(r), args);
        if (await Task.WhenAny(ack.Task, Task.Delay(StepTimeout)) != ack.Task)
            Assert.Fail($"{Name}: timed out after {StepTimeout.TotalSeconds:F0} s waiting for the ack of \"{eventName}\"");
        return await ack.Task;
    }

    /// <summary>The first ack argument as JSON text (property order as sent).</summary>
    public async Task<string> CallJson(string eventName, params object[] args) => (await Call(eventName, args)).GetValue(0).GetRawText();

    public Task Emit(string eventName, params object[] args) => Socket.EmitAsync(eventName, args);

    /// <summary>Waits for (and consumes) the next <paramref name="eventName"/> matching <paramref name="match"/>.</summary>
    public async Task<SocketIOResponse> Next(string eventName, Func<SocketIOResponse, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            lock (_items)
            {
                var index = _items.FindIndex(i => i.Event == eventName && (match is null || match(i.Response)));
                if (index >= 0)
                {
                    var found = _items[index].Response;
                    _items.RemoveAt(index);
                    return found;
                }
                if (DateTime.UtcNow >= deadline)
                    Assert.Fail($"{Name}: timed out after {StepTimeout.TotalSeconds:F0} s waiting for \"{eventName}\"; unconsumed events: " +
                        string.Join(", ", _items.Select(i => $"{i.Event}{i.Response}")));
            }
            await Task.Delay(20);
        }
    }

    public int Count(string eventName, Func<SocketIOResponse, bool>? match = null)
    {
        lock (_items) return _items.Count(i => i.Event == eventName && (match is null || match(i.Response)));
    }

    /// <summary>Checks that no matching event arrives within <see cref="Quiet"/>.</summary>
    public async Task None(string eventName, string what, Func<SocketIOResponse, bool>? match = null)
    {
        await Task.Delay(Quiet);
        var n = Count(eventName, match);
        Assert.True(n == 0, $"{Name} got {what} (\"{eventName}\") {n} time(s) but should not have");
    }

    public static async Task<string> WithTimeout(Task<string> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(StepTimeout)) != task)
            Assert.Fail($"timed out after {StepTimeout.TotalSeconds:F0} s waiting for {what}");
        return await task;
    }

    public static string Text(SocketIOResponse response, int index) => response.GetValue(index).GetString() ?? "";

    public static string Json(object value) => JsonSerializer.Serialize(value);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.Connected) await Socket.DisconnectAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // best effort: the test's outcome is already decided
        }
        Socket.Dispose();
    }
}

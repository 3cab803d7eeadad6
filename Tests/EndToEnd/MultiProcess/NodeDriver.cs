using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansSocket.Tests.EndToEnd;

namespace OrleansSocket.Tests.Cluster;

/// <summary>
/// Official socket.io-client 4.x sockets in one node process (Tests/clients/cluster-driver.js), driven by JSON
/// lines: connect, emit with ack, sequences; every event a socket receives is recorded here.
/// </summary>
internal sealed class NodeDriver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputBuffer _stderr = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _messages = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _nextRequest;
    private event Action? Received;

    private NodeDriver(Process process) => _process = process;

    public static NodeDriver Start()
    {
        E2eEnvironment.RequireNodeModules();
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = E2eEnvironment.ClientsDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("cluster-driver.js");
        var process = new Process { StartInfo = startInfo };
        var driver = new NodeDriver(process);
        process.OutputDataReceived += (_, e) => driver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => driver._stderr.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return driver;
    }

    public string Stderr => _stderr.Tail(4000);

    /// <summary>
    /// Connects socket <paramref name="id"/> to the first url (failing over to the others); returns its socket id.
    /// With <paramref name="recover"/> the same client socket fails over, presenting its pid and offset.
    /// </summary>
    public async Task<string> Connect(string id, string[] urls, object? auth = null, bool recover = false)
    {
        var reply = await Request(new JsonObject
        {
            ["cmd"] = "connect",
            ["id"] = id,
            ["urls"] = new JsonArray([.. urls.Select(u => (JsonNode)u)]),
            ["auth"] = auth is null ? new JsonObject() : JsonSerializer.SerializeToNode(auth),
            ["recover"] = recover,
        }, TimeSpan.FromSeconds(20));
        return (string)reply["sid"]!;
    }

    public Task<string> Connect(string id, string url, object? auth = null) => Connect(id, [url], auth);

    /// <summary>Emits with an ack (10 s) and returns the ack's first argument.</summary>
    public Task<JsonNode?> Emit(string id, string eventName, params object?[] args) => EmitWithin(TimeSpan.FromSeconds(10), id, eventName, args);

    /// <summary>Emits with an ack that must arrive within <paramref name="ackTimeout"/>; returns the ack's first argument.</summary>
    public async Task<JsonNode?> EmitWithin(TimeSpan ackTimeout, string id, string eventName, params object?[] args)
    {
        var reply = await Request(new JsonObject
        {
            ["cmd"] = "emit",
            ["id"] = id,
            ["event"] = eventName,
            ["args"] = JsonSerializer.SerializeToNode(args),
            ["timeoutMs"] = (int)ackTimeout.TotalMilliseconds,
        }, ackTimeout + TimeSpan.FromSeconds(5));
        return reply["ack"]![0]?.DeepClone();
    }

    /// <summary>Emits <c>seq</c> 0..count-1 then <c>seq-report</c>; returns the report and the client-side time.</summary>
    public async Task<(JsonNode? Report, long Ms)> Sequence(string id, int count)
    {
        var reply = await Request(new JsonObject { ["cmd"] = "seq", ["id"] = id, ["count"] = count }, TimeSpan.FromSeconds(150));
        return (reply["ack"]![0]?.DeepClone(), (long)reply["ms"]!);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/>(args..., n) for n = 0..count-1, one every <paramref name="interval"/>, each
    /// with an ack (<paramref name="ackTimeout"/>), on whatever socket <paramref name="id"/> has at the time (after a
    /// failover, the new one). Completes when every emit was acked or timed out: the acked and failed n.
    /// </summary>
    public async Task<(long[] Acked, long[] Failed, long Ms)> Pump(string id, string eventName, object?[] args, int count, TimeSpan interval, TimeSpan ackTimeout)
    {
        var reply = await Request(new JsonObject
        {
            ["cmd"] = "pump",
            ["id"] = id,
            ["event"] = eventName,
            ["args"] = JsonSerializer.SerializeToNode(args),
            ["count"] = count,
            ["intervalMs"] = (int)interval.TotalMilliseconds,
            ["timeoutMs"] = (int)ackTimeout.TotalMilliseconds,
        }, count * (interval + TimeSpan.FromMilliseconds(20)) + ackTimeout + TimeSpan.FromSeconds(30));
        static long[] Numbers(JsonNode? array) => [.. array!.AsArray().Select(n => (long)n!)];
        return (Numbers(reply["acked"]), Numbers(reply["failed"]), (long)reply["ms"]!);
    }

    /// <summary>Events <paramref name="id"/> received with this name, with the driver's arrival time (ms since the epoch).</summary>
    public List<(JsonArray Args, long Time)> TimedEvents(string id, string eventName) =>
        [.. Messages(id).Where(m => (string?)m["ev"] == "event" && (string?)m["event"] == eventName).Select(m => ((JsonArray)m["args"]!, (long)m["t"]!))];

    public Task Close(string id) => Request(new JsonObject { ["cmd"] = "close", ["id"] = id }, TimeSpan.FromSeconds(5));

    /// <summary>Events <paramref name="id"/> received so far with this name (arguments of each).</summary>
    public List<JsonArray> Events(string id, string eventName) =>
        [.. Messages(id).Where(m => (string?)m["ev"] == "event" && (string?)m["event"] == eventName).Select(m => (JsonArray)m["args"]!)];

    /// <summary>Connection events (<c>connect</c>/<c>disconnect</c>) of socket <paramref name="id"/>.</summary>
    public List<JsonObject> Lifecycle(string id) =>
        [.. Messages(id).Where(m => (string?)m["ev"] is "connect" or "disconnect")];

    /// <summary>Waits until <paramref name="condition"/> holds (checked on every message), or fails after <paramref name="timeout"/>.</summary>
    public Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => WaitUntil(condition, timeout, () => what);

    /// <summary>As <see cref="WaitUntil(Func{bool}, TimeSpan, string)"/>, the failure described by <paramref name="what"/>
    /// when it happens (what had arrived by then).</summary>
    public async Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var signal = new SemaphoreSlim(0);
        void OnReceived() => signal.Release();
        Received += OnReceived;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero) Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for {what()}\nnode stderr: {Stderr}");
                await signal.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
        finally
        {
            Received -= OnReceived;
        }
    }

    private ConcurrentQueue<JsonObject> Messages(string id) => _messages.GetOrAdd(id, _ => new());

    private async Task<JsonObject> Request(JsonObject command, TimeSpan timeout)
    {
        var req = Interlocked.Increment(ref _nextRequest);
        command["req"] = req;
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[req] = tcs;
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
        JsonObject reply;
        try
        {
            reply = await tcs.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(req, out _);
            throw new TimeoutException($"node driver: no answer to {command.ToJsonString()} within {timeout.TotalSeconds:F0} s\nstderr: {Stderr}");
        }
        if ((bool?)reply["ok"] != true)
            throw new InvalidOperationException($"node driver: {command["cmd"]} {command["id"]} {command["event"]} failed: {reply["error"]}");
        return reply;
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        JsonObject message;
        try
        {
            message = JsonNode.Parse(line)!.AsObject();
        }
        catch (JsonException)
        {
            _stderr.Append("stdout: " + line);
            return;
        }
        if (message["reply"] is { } req)
        {
            if (_pending.TryRemove((int)req, out var tcs)) tcs.TrySetResult(message);
        }
        else if ((string?)message["id"] is { } id)
        {
            Messages(id).Enqueue(message);
        }
        Received?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // the driver closes its sockets and exits
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception)
        {
            // killed below
        }
        ExternalProcess.KillTree(_process);
        _process.Dispose();
    }
}

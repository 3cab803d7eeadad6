using System.Threading.Channels;
using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Testing;

/// <summary>
/// An Engine.IO session without HTTP: the gateway's real session layer (<see cref="IEngineListener"/>, from
/// <see cref="IEngineApplication.OnOpen"/>) on one side, a test client on the other. What the client sends goes
/// through one ordered receive loop, as a transport's: each message waits for the listener's room
/// (<see cref="IEngineListener.Inbound"/>), then <see cref="IEngineListener.OnMessage"/>, serial with
/// <see cref="IEngineListener.OnClose"/>. What the server sends reaches the client synchronously, a packet with
/// its attachments as one unit.
/// </summary>
internal sealed class InMemoryEngineConnection : IEngineConnection
{
    private readonly record struct Inbound(ReadOnlyMemory<byte> Data, bool IsBinary, EngineCloseReason? CloseReason, TaskCompletionSource Done);

    private readonly Channel<Inbound> _inbound = Channel.CreateUnbounded<Inbound>(new() { SingleReader = true });
    private readonly Lock _outbound = new();
    private readonly Action<ReadOnlyMemory<byte>, bool> _toClient;
    private readonly Action _closedByServer;
    private int _pending;
    private bool _closed;

    /// <param name="id">The Engine.IO session id the session layer sees.</param>
    /// <param name="handshake">The handshake the connection reports (headers, query, transport, address).</param>
    /// <param name="toClient">Gets each message the server sends (text: UTF-8 without Engine.IO's <c>4</c>; binary: raw), one at a time.</param>
    /// <param name="closedByServer">The server closed the session.</param>
    public InMemoryEngineConnection(string id, EngineHandshake handshake, Action<ReadOnlyMemory<byte>, bool> toClient, Action closedByServer)
    {
        Id = id;
        Handshake = handshake;
        _toClient = toClient;
        _closedByServer = closedByServer;
    }

    public string Id { get; }
    public int ProtocolVersion => 4;
    public string Transport => "websocket";
    public EngineHandshake Handshake { get; }

    /// <summary>Messages from the client not yet handed to the listener.</summary>
    public bool IsIdle => Volatile.Read(ref _pending) == 0;

    /// <summary>Opens the session on <paramref name="application"/> and starts its receive loop.</summary>
    public IEngineListener Open(IEngineApplication application)
    {
        var listener = application.OnOpen(this);
        _ = ReceiveLoopAsync(listener);
        return listener;
    }

    /// <summary>A message from the client; completes once the listener took it (or dropped it, the session being closed).</summary>
    public Task ReceiveAsync(ReadOnlyMemory<byte> data, bool isBinary) => Post(new(data, isBinary, null, NewDone()));

    /// <summary>The client dropped the connection: the listener closes with <paramref name="reason"/> after what it already sent.</summary>
    public Task CloseFromClientAsync(EngineCloseReason reason = EngineCloseReason.TransportClose) => Post(new(default, false, reason, NewDone()));

    public bool Send(ReadOnlyMemory<byte> data, bool isBinary, bool isVolatile = false)
    {
        lock (_outbound)
        {
            if (_closed) return false;
            _toClient(data, isBinary);
            return true;
        }
    }

    public bool SendWithAttachments(ReadOnlyMemory<byte> text, IReadOnlyList<byte[]> attachments, bool isVolatile = false)
    {
        lock (_outbound)
        {
            if (_closed) return false;
            _toClient(text, false);
            foreach (var attachment in attachments) _toClient(attachment, true);
            return true;
        }
    }

    /// <summary>The server closes the session (Engine.IO's "forced close").</summary>
    public void Close()
    {
        lock (_outbound)
        {
            if (_closed) return;
            _closed = true;
        }
        _closedByServer();
        _ = Post(new(default, false, EngineCloseReason.ForcedClose, NewDone()));
    }

    private Task Post(Inbound item)
    {
        Interlocked.Increment(ref _pending);
        if (!_inbound.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _pending);
            item.Done.TrySetResult(); // the loop ended: the session is closed
        }
        return item.Done.Task;
    }

    private async Task ReceiveLoopAsync(IEngineListener listener)
    {
        var open = true;
        var inbound = listener.Inbound;
        await foreach (var item in _inbound.Reader.ReadAllAsync())
        {
            try
            {
                if (!open) continue;
                if (item.CloseReason is { } reason)
                {
                    open = false;
                    lock (_outbound) _closed = true;
                    listener.OnClose(reason);
                    _inbound.Writer.TryComplete();
                    continue;
                }
                if (inbound is not null) await inbound.WaitForRoomAsync(item.Data.Length);
                listener.OnMessage(item.Data, item.IsBinary);
            }
            catch (Exception)
            {
                // A listener must not throw (the gateway's closes on bad input); if it does, the session ends as a
                // transport's would, rather than leaving every later message and flush waiting.
                open = false;
                lock (_outbound) _closed = true;
                listener.OnClose(EngineCloseReason.TransportError);
                _inbound.Writer.TryComplete();
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
                item.Done.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

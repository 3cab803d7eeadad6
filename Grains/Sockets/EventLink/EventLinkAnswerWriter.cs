using System.Buffers;
using System.Net.Sockets;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// Writes one event link connection's answers (<see cref="EventLinkServer"/>) on the thread that finished each batch when
/// no other write is under way (no thread hop per answer); answers that finish meanwhile wait and go together in the next
/// send. Frees one of the connection's slots per answer sent. A send blocks only while the peer does not read (its socket
/// buffers full), and at most <see cref="EventLinkOptions.MaxBatchesInFlight"/> answers wait.
/// </summary>
/// <param name="socket">The connection's socket.</param>
/// <param name="slots">The connection's batches in flight: one is freed per answer sent.</param>
/// <param name="closing">Cancelled when a send fails, so that the connection's reader, which may be waiting for a slot
/// that no answer will free now, ends the connection.</param>
internal sealed class EventLinkAnswerWriter(Socket socket, SemaphoreSlim slots, CancellationTokenSource closing)
{
    private readonly Lock _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _waiting = new();
    private bool _writing;
    private bool _closed;

    /// <summary>Sends <paramref name="answer"/> (a whole frame), now or with the next send; nothing once closed.</summary>
    public void Write(ReadOnlyMemory<byte> answer)
    {
        lock (_gate)
        {
            if (_closed) return;
            if (_writing)
            {
                _waiting.Enqueue(answer);
                return;
            }
            _writing = true;
        }
        var count = 1;
        while (true)
        {
            try
            {
                for (var sent = 0; sent < answer.Length;) sent += socket.Send(answer.Span[sent..]);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Close();
                try
                {
                    closing.Cancel(); // the peer went: the connection ends, whatever its reader waits for
                }
                catch (ObjectDisposedException)
                {
                    // The connection had already ended (its end disposes the source) while this send was under way.
                }
                return;
            }
            slots.Release(count);
            lock (_gate)
            {
                if (_closed || _waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                var together = new ArrayBufferWriter<byte>();
                for (count = 0; _waiting.TryDequeue(out var next); count++) together.Write(next.Span);
                answer = together.WrittenMemory;
            }
        }
    }

    /// <summary>Drops what waits and every later answer.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _waiting.Clear();
        }
    }
}

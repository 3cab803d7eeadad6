using Microsoft.Extensions.Logging;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Orleans.Serialization;

namespace OrleansSocket.Grains.Sockets;

/// <summary>
/// The listening half of the event link (<see cref="EventLinkOptions"/>): accepts gateways' connections, reads their
/// batches (<see cref="EventLinkFrames"/>), runs each with the handler it was given and writes each answer back under
/// the batch's id, in the order they finish. Knows nothing of grains: <see cref="EventLinkListener"/> hands it the silo's
/// <see cref="SocketLink"/>.
/// </summary>
/// <remarks>
/// Bounds: a connection runs at most <see cref="EventLinkOptions.MaxBatchesInFlight"/> batches; its next frame is read
/// only when one of them has been answered and its answer written, so the socket's own buffers push back on the peer.
/// A frame's header announcing more than <see cref="EventLinkOptions.MaxFrameBytes"/>, or a body that does not
/// deserialize, closes that connection with one log line; the other connections go on.
/// </remarks>
internal sealed class EventLinkServer : IAsyncDisposable
{
    private readonly EventLinkOptions _options;
    private readonly Func<EventBatch, Task<EventBatchResult>> _handle;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];
    private Socket? _listener;
    private Task? _accepting;
    private long _batchesHandled;
    private int _batchesWaiting;
    private int _disposed;

    /// <param name="options">The bounds.</param>
    /// <param name="handle">Runs one batch; what it throws fails each of the batch's events.</param>
    /// <param name="serializer">Orleans' serializer, for the batches and their answers.</param>
    /// <param name="logger">Where refused peers and closed connections are logged.</param>
    public EventLinkServer(EventLinkOptions options, Func<EventBatch, Task<EventBatchResult>> handle, Serializer serializer, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFrameBytes, 1, nameof(options.MaxFrameBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchesInFlight, 1, nameof(options.MaxBatchesInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1, nameof(options.MaxConnections));
        _options = options;
        _handle = handle;
        _serializer = serializer;
        _logger = logger;
    }

    /// <summary>Batches answered so far, over every connection.</summary>
    public long BatchesHandled => Interlocked.Read(ref _batchesHandled);

    /// <summary>Batches read that wait for a slot (<see cref="EventLinkOptions.MaxBatchesInFlight"/>) before they run.</summary>
    public int BatchesWaiting => Volatile.Read(ref _batchesWaiting);

    /// <summary>Connections open now.</summary>
    public int Connections { get { lock (_gate) return _connections.Count; } }

    /// <summary>Starts listening on <paramref name="endpoint"/> and returns the endpoint bound (its port chosen when 0).</summary>
    public IPEndPoint Start(IPEndPoint endpoint)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endpoint);
            listener.Listen(_options.MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _accepting = AcceptLoopAsync(listener);
        return (IPEndPoint)listener.LocalEndPoint!;
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a peer that went before it was accepted
            }
            peer.NoDelay = true;
            lock (_gate)
            {
                if (_connections.Count >= _options.MaxConnections)
                {
                    EventLinkLog.TooManyConnections(_logger, peer.RemoteEndPoint, _options.MaxConnections);
                    peer.Dispose();
                    continue;
                }
                var connection = RunConnectionAsync(peer);
                _connections.Add(connection);
                _ = connection.ContinueWith(done => { lock (_gate) _connections.Remove(done); }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunConnectionAsync(Socket peer)
    {
        await Task.Yield(); // off the accept loop
        var remote = peer.RemoteEndPoint;
        await using var stream = new NetworkStream(peer, ownsSocket: true);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var reader = PipeReader.Create(stream);
        var slots = new SemaphoreSlim(_options.MaxBatchesInFlight, _options.MaxBatchesInFlight);
        var answers = new EventLinkAnswerWriter(peer, slots, closing);
        try
        {
            if (!await EventLinkFrames.ReadAsync(reader, _options.MaxFrameBytes, OnBatchAsync, closing.Token))
                EventLinkLog.FrameTooLarge(_logger, remote, _options.MaxFrameBytes);
        }
        catch (InvalidDataException ex)
        {
            EventLinkLog.BadFrame(_logger, remote, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // The peer went, the silo stops, or an answer could not be sent.
        }
        catch (Exception ex)
        {
            EventLinkLog.ConnectionFailed(_logger, ex, remote); // a fault of ours: that connection ends, the others go on
        }
        finally
        {
            answers.Close();
            await closing.CancelAsync();
            await reader.CompleteAsync();
        }

        async ValueTask OnBatchAsync(long id, ReadOnlySequence<byte> body)
        {
            EventBatch batch;
            try
            {
                batch = _serializer.Deserialize<EventBatch>(body) ?? throw new InvalidDataException("a null batch");
            }
            catch (Exception ex) when (ex is not InvalidDataException)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
            // At the bound, the next frame waits here, unread: the peer's sends back up in the socket.
            Interlocked.Increment(ref _batchesWaiting);
            try
            {
                await slots.WaitAsync(closing.Token);
            }
            finally
            {
                Interlocked.Decrement(ref _batchesWaiting);
            }
            _ = RunBatchAsync(id, batch, answers);
        }
    }

    private async Task RunBatchAsync(long id, EventBatch batch, EventLinkAnswerWriter answers)
    {
        EventBatchResult result;
        try
        {
            result = await _handle(batch);
        }
        catch (Exception ex)
        {
            var count = batch.Events.Length;
            result = new EventBatchResult(new SocketPayload?[count], Enumerable.Repeat<Exception?>(ex, count).ToArray());
        }
        var frame = new ArrayBufferWriter<byte>();
        EventLinkFrames.Write(frame, _serializer, id, result);
        Interlocked.Increment(ref _batchesHandled);
        answers.Write(frame.WrittenMemory);
    }

    /// <summary>Stops listening and closes every connection; batches running finish, their answers go nowhere.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_accepting is { } accepting) await accepting;
        Task[] connections;
        lock (_gate) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stopping.Dispose();
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Orleans.Serialization;
using OrleansSocket.Gateway.Hosting;
using OrleansSocket.Grains.Sockets;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// A thin gateway's end of a silo's event link (<see cref="EventBatchTransport.EventLink"/>): sends each batch over one TCP
/// connection to the silo the cluster names (<see cref="ISocketLinkGrain.GetEventLinkEndpoint"/>) and completes it with
/// the answer of the same id, without an Orleans message each way.
/// </summary>
/// <remarks>
/// The link is a shortcut, never the only way: while no silo offers one, or its connection cannot be made, batches go by
/// grain call (the fallback) and the link is tried again <see cref="EventBatchingOptions.EventLinkRetryDelay"/> later. A
/// connection that closes fails the batches it had in flight (as a lost silo fails the calls it was running); the next
/// batch connects again. An answer larger than <see cref="EventBatchingOptions.MaxAnswerBytes"/>, or one that does not
/// deserialize, closes the connection the same way.
/// </remarks>
internal sealed class EventLinkClient : IAsyncDisposable
{
    private readonly Func<Task<string?>> _endpoint;
    private readonly Func<EventBatch, Task<EventBatchResult>> _fallback;
    private readonly Serializer _serializer;
    private readonly int _maxAnswerBytes;
    private readonly TimeSpan _retryDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private Connection? _connection;
    private long _retryAt = long.MinValue;
    private long _sentOverLink;
    // What the last failed attempt logged: the same failure again (every retry) is not logged again.
    private string? _lastFailure;
    private bool _disposed;

    /// <param name="endpoint">Asks the cluster where a silo's event link listens ("address:port"), or null for none.</param>
    /// <param name="fallback">Sends a batch by grain call.</param>
    /// <param name="serializer">Orleans' serializer, for the batches and their answers.</param>
    /// <param name="options">The answer bound and the retry delay.</param>
    /// <param name="time">The clock of the retry delay.</param>
    /// <param name="logger">Where the link's connections and failures are logged.</param>
    public EventLinkClient(Func<Task<string?>> endpoint, Func<EventBatch, Task<EventBatchResult>> fallback, Serializer serializer,
        EventBatchingOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAnswerBytes, 1, nameof(options.MaxAnswerBytes));
        _endpoint = endpoint;
        _fallback = fallback;
        _serializer = serializer;
        _maxAnswerBytes = options.MaxAnswerBytes;
        _retryDelay = options.EventLinkRetryDelay;
        _time = time;
        _logger = logger;
    }

    /// <summary>Batches sent over the link so far (the others went by grain call).</summary>
    public long SentOverLink => Interlocked.Read(ref _sentOverLink);

    /// <summary>Whether a connection to a silo's link is open now.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsOpen: true };

    /// <summary>Sends <paramref name="batch"/> over the link, or by grain call while there is none.</summary>
    public async Task<EventBatchResult> SendAsync(EventBatch batch)
    {
        var connection = Volatile.Read(ref _connection) is { IsOpen: true } open ? open : await ConnectAsync();
        if (connection is null) return await _fallback(batch);
        Interlocked.Increment(ref _sentOverLink);
        return await connection.SendAsync(batch);
    }

    private async Task<Connection?> ConnectAsync()
    {
        if (_time.GetTimestamp() < Interlocked.Read(ref _retryAt)) return null;
        await _connecting.WaitAsync();
        try
        {
            if (_connection is { IsOpen: true } open) return open;
            if (_disposed || _time.GetTimestamp() < Interlocked.Read(ref _retryAt)) return null;
            string? address = null;
            try
            {
                address = await _endpoint();
                if (address is null)
                {
                    if (FirstTime("no link")) EventLinkClientLog.NoLink(_logger, _retryDelay);
                    return Later();
                }
                var remote = IPEndPoint.Parse(address);
                var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(remote);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                var connection = new Connection(this, socket, address);
                Volatile.Write(ref _connection, connection);
                _lastFailure = null;
                EventLinkClientLog.Connected(_logger, address);
                return connection;
            }
            catch (Exception ex)
            {
                if (FirstTime($"{address}: {ex.Message}")) EventLinkClientLog.ConnectFailed(_logger, address ?? "(unknown)", _retryDelay, ex.Message);
                return Later();
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Whether this failure differs from the last one logged (callers hold <see cref="_connecting"/>).</summary>
    private bool FirstTime(string failure)
    {
        if (failure == _lastFailure) return false;
        _lastFailure = failure;
        return true;
    }

    private Connection? Later()
    {
        Interlocked.Exchange(ref _retryAt, _time.GetTimestamp() + (long)(_retryDelay.TotalSeconds * _time.TimestampFrequency));
        return null;
    }

    /// <summary>Closes the link's connection; batches in flight on it fail, later ones go by grain call.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connecting.WaitAsync();
        try
        {
            _disposed = true;
            if (_connection is { } connection) await connection.CloseAsync(new ObjectDisposedException(nameof(EventLinkClient)));
            _connection = null;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>One connection to a silo's link: its writes, its reader and the batches waiting for their answers.</summary>
    private sealed class Connection
    {
        private const int InitialFrameBytes = 4096;
        private const int RetainedFrameBytes = 64 * 1024;

        private readonly EventLinkClient _owner;
        private readonly NetworkStream _stream;
        private readonly string _address;
        private readonly SemaphoreSlim _writing = new(1, 1);
        // The frame being written, reused from batch to batch under _writing (no buffer allocated per batch); one that
        // grew past RetainedFrameBytes for a large batch is dropped after it, so an idle link holds a small buffer.
        private ArrayBufferWriter<byte> _frame = new(InitialFrameBytes);
        private readonly ConcurrentDictionary<long, TaskCompletionSource<EventBatchResult>> _waiting = new();
        private readonly CancellationTokenSource _closed = new();
        private long _nextId;
        private Exception? _failure;

        public Connection(EventLinkClient owner, Socket socket, string address)
        {
            _owner = owner;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _address = address;
            _ = ReadLoopAsync();
        }

        public bool IsOpen => !_closed.IsCancellationRequested;

        public async Task<EventBatchResult> SendAsync(EventBatch batch)
        {
            var id = Interlocked.Increment(ref _nextId);
            var answer = new TaskCompletionSource<EventBatchResult>();
            _waiting[id] = answer;
            // Closed between the check and the registration: nothing would complete it.
            if (Volatile.Read(ref _failure) is { } failed && _waiting.TryRemove(id, out _)) throw Closed(failed);
            try
            {
                await _writing.WaitAsync(_closed.Token);
            }
            catch (Exception ex)
            {
                await CloseAsync(ex);
                return await answer.Task;
            }
            try
            {
                _frame.ResetWrittenCount();
                try
                {
                    EventLinkFrames.Write(_frame, _owner._serializer, id, batch);
                }
                catch
                {
                    _waiting.TryRemove(id, out _); // this batch fails alone; the link goes on
                    throw;
                }
                try
                {
                    await _stream.WriteAsync(_frame.WrittenMemory, _closed.Token);
                }
                catch (Exception ex)
                {
                    await CloseAsync(ex);
                }
            }
            finally
            {
                if (_frame.Capacity > RetainedFrameBytes) _frame = new ArrayBufferWriter<byte>(InitialFrameBytes);
                _writing.Release();
            }
            return await answer.Task;
        }

        private async Task ReadLoopAsync()
        {
            await Task.Yield(); // off the connecting caller
            var reader = PipeReader.Create(_stream);
            Exception failure = new IOException($"The event link to {_address} was closed by the silo.");
            try
            {
                if (!await EventLinkFrames.ReadAsync(reader, _owner._maxAnswerBytes, OnAnswer, _closed.Token))
                    throw new InvalidDataException($"An answer over SocketIO:EventBatching:MaxAnswerBytes ({_owner._maxAnswerBytes}) on the event link to {_address}.");
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                await reader.CompleteAsync();
            }
            await CloseAsync(failure);
        }

        private ValueTask OnAnswer(long id, ReadOnlySequence<byte> body)
        {
            var result = _owner._serializer.Deserialize<EventBatchResult>(body)
                ?? throw new InvalidDataException($"A null answer on the event link to {_address}.");
            // The batch's continuations (acks, each socket's next events) run here: no thread hop per answer.
            if (_waiting.TryRemove(id, out var answer)) answer.TrySetResult(result);
            return ValueTask.CompletedTask;
        }

        /// <summary>Closes the connection and fails every batch waiting on it (once).</summary>
        public async Task CloseAsync(Exception cause)
        {
            if (Interlocked.CompareExchange(ref _failure, cause, null) is not null) return;
            if (cause is not ObjectDisposedException) EventLinkClientLog.Closed(_owner._logger, _address, cause.Message);
            await _closed.CancelAsync();
            await _stream.DisposeAsync();
            foreach (var id in _waiting.Keys)
                if (_waiting.TryRemove(id, out var answer)) answer.TrySetException(Closed(cause));
            // The next batch connects again (or goes by grain call while it cannot).
            Interlocked.CompareExchange(ref _owner._connection, null, this);
        }

        private Exception Closed(Exception cause) =>
            cause is IOException or ObjectDisposedException ? cause : new IOException($"The event link to {_address} closed: {cause.Message}", cause);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>A scoped service as an application's DbContext would be: one per handler invocation in the silo.</summary>
public sealed class UnitOfWork(UnitOfWorkLog log) : IAsyncDisposable
{
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The socket whose handler used it (set by the handler).</summary>
    public string? SocketId { get; set; }

    public bool IsDisposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        log.Disposed.Enqueue(this);
        log.Signal.Release();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The units of work disposed so far, across the silo's threads.</summary>
public sealed class UnitOfWorkLog
{
    public ConcurrentQueue<UnitOfWork> Disposed { get; } = new();
    public SemaphoreSlim Signal { get; } = new(0);

    /// <summary>Waits until <paramref name="count"/> units of work of <paramref name="socketId"/> are disposed.</summary>
    public async Task<UnitOfWork[]> DisposedForAsync(string socketId, int count)
    {
        while (Disposed.Count(u => u.SocketId == socketId) < count)
            Assert.True(await Signal.WaitAsync(TimeSpan.FromSeconds(10)), $"only {Disposed.Count(u => u.SocketId == socketId)} of {count} disposed");
        return [.. Disposed.Where(u => u.SocketId == socketId)];
    }
}

/// <summary>A handler class that takes the scoped service in its constructor.</summary>
public sealed class UnitOfWorkHandlers(UnitOfWork work) : SocketIOHandler
{
    [OnConnect]
    public void Connect() => work.SocketId = Socket.Id;

    [On("work")]
    public string Work()
    {
        work.SocketId = Socket.Id;
        return work.Id.ToString();
    }

    [OnDisconnect]
    public void Disconnect() => work.SocketId = Socket.Id;
}

public sealed class ScopedServerFixture : IAsyncLifetime
{
    public const string Namespace = "/scoped";

    public SocketIOTestServer Server { get; private set; } = null!;

    public UnitOfWorkLog Log { get; } = new();

    public async Task InitializeAsync() => Server = await SocketIOTestServer.StartAsync(io => io
            .AddHandlers<UnitOfWorkHandlers>(Namespace)
            // A delegate handler takes the registered service by type; its other parameter is the client's argument.
            .On("tag", (UnitOfWork work, ISocket socket, string tag) =>
            {
                work.SocketId = socket.Id;
                return tag + ":" + work.IsDisposed;
            }, Namespace),
        services => services.AddSingleton(Log).AddScoped<UnitOfWork>());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Through the socket grain in a TestingHost silo: a DI scope per handler invocation, disposed after it.</summary>
public sealed class ScopedServiceTests(ScopedServerFixture fixture) : IClassFixture<ScopedServerFixture>
{
    [Fact]
    public async Task Connect_two_events_and_disconnect_each_get_a_new_scoped_service_disposed_after()
    {
        var client = await fixture.Server.ConnectAsync(ns: ScopedServerFixture.Namespace);
        Assert.True(client.IsConnected, client.ConnectError?.Message);

        var first = (await client.EmitWithAckAsync("work")).Arg<string>(0);
        var second = (await client.EmitWithAckAsync("work")).Arg<string>(0);
        await client.DisconnectAsync();

        var disposed = await fixture.Log.DisposedForAsync(client.Id, 4);
        Assert.Equal(4, disposed.Length);
        Assert.Equal(4, disposed.Select(u => u.Id).Distinct().Count());
        Assert.NotEqual(first, second);
        Assert.Equal([first, second], disposed.Skip(1).Take(2).Select(u => u.Id.ToString())); // connect, the events, disconnect
        Assert.All(disposed, u => Assert.True(u.IsDisposed));
    }

    [Fact]
    public async Task Delegate_handler_gets_the_registered_service_and_the_clients_argument()
    {
        await using var client = await fixture.Server.ConnectAsync(ns: ScopedServerFixture.Namespace);

        var answer = (await client.EmitWithAckAsync("tag", "blue")).Arg<string>(0);

        Assert.Equal("blue:False", answer); // bound from the client, with a live (not yet disposed) service
        var disposed = await fixture.Log.DisposedForAsync(client.Id, 2); // the connect handler's and this event's
        Assert.Equal(2, disposed.Select(u => u.Id).Distinct().Count());
    }
}

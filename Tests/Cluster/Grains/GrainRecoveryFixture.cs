using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Hosting;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace OrleansSocket.Tests.Grains;

/// <summary>
/// A real in-process Orleans cluster (one silo) with connection state recovery on, hosting the socket grains with
/// <see cref="TestHandlers"/>; the socket grain's log lines are kept in <see cref="SocketGrainLog"/>.
/// </summary>
public sealed class GrainRecoveryFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's clock: the recovery window runs on it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>What the socket grains logged (level and message).</summary>
    public static ConcurrentQueue<(LogLevel Level, string Message)> SocketGrainLog { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSocketIOGrainsCore().AddHandlers(TestHandlers.Register);
            silo.Services.Configure<ConnectionStateRecoveryOptions>(o => o.Enabled = true);
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider("OrleansSocket.Grains.Sockets.SocketGrain", SocketGrainLog));
            // A refused recovery is the client's doing, logged at Debug.
            silo.Services.AddLogging(logging => logging.AddFilter("OrleansSocket.Grains.Sockets.SocketGrain", LogLevel.Debug));
        });
        builder.ConfigureClient(client =>
        {
            client.AddSocketIOStreams();
            client.Services.AddSocketIOEmitter();
            client.Services.Configure<ConnectionStateRecoveryOptions>(o => o.Enabled = true);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class CapturingLoggerProvider(string category, ConcurrentQueue<(LogLevel, string)> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => categoryName == category ? new Capturing(entries) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainRecoveryCollection : ICollectionFixture<GrainRecoveryFixture>
{
    public const string Name = "Orleans cluster with connection state recovery";
}

using Microsoft.Extensions.Logging;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>Keeps log entries so tests can see that failures without an error handler are logged.</summary>
public sealed class ListLogger : ILogger<SocketIOHandlerRegistry>
{
    public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, formatter(state, exception), exception));
}

namespace OrleansSocket.Tests.Adapters;

/// <summary>A connected client as the adapter specification drives it, whatever node holds it.</summary>
public interface ISpecSocket : IAsyncDisposable
{
    string Id { get; }

    /// <summary>Held by the node whose adapter the test uses (what <c>Local</c> reaches).</summary>
    bool IsLocal { get; }

    bool IsConnected { get; }

    /// <summary>The socket itself joins rooms, as a handler's <c>Socket.Join</c> does.</summary>
    Task JoinAsync(params string[] rooms);

    /// <summary>The events received since the last call, in order.</summary>
    IReadOnlyList<string> TakeEvents();

    /// <summary>Whether it answers the server's acks (with its own id); when not, the server sees a timeout.</summary>
    bool AnswersAcks { set; }
}

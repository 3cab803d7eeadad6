using System.Text.Json;

namespace OrleansSocket.Testing;

/// <summary>
/// An event the server sent to a test client (Flask-SocketIO's <c>{'name', 'args', 'namespace'}</c> of
/// <c>get_received</c>), whether emitted to the socket directly or through a room or namespace broadcast.
/// </summary>
public sealed class ReceivedEvent
{
    private readonly ClientAck _args;

    internal ReceivedEvent(string ns, string eventName, SocketPayload payload, bool ackRequested)
    {
        Namespace = ns;
        Event = eventName;
        Payload = payload;
        AckRequested = ackRequested;
        _args = new ClientAck(payload);
    }

    /// <summary>The namespace the event arrived in.</summary>
    public string Namespace { get; }
    /// <summary>The event name.</summary>
    public string Event { get; }

    /// <summary>The arguments as the server encoded them: a JSON array and the binary attachments its placeholders point at.</summary>
    public SocketPayload Payload { get; }

    /// <summary>The server emitted it with an ack (<c>EmitWithAck</c>); the client answered with <see cref="SocketIOTestClient.OnServerAck"/>.</summary>
    public bool AckRequested { get; }

    /// <summary>The arguments as JSON (binary values are <c>{"_placeholder":true,"num":n}</c> objects; read them with <see cref="Arg{T}"/> as <c>byte[]</c>).</summary>
    public JsonElement[] Args => _args.Args;

    /// <summary>Argument <paramref name="index"/> deserialized as <typeparamref name="T"/> (web defaults; <c>byte[]</c> from binary attachments).</summary>
    public T? Arg<T>(int index) => _args.Arg<T>(index);

    /// <summary>The namespace, event name and JSON arguments, for assertion messages.</summary>
    public override string ToString() => $"{Namespace} {Event} {System.Text.Encoding.UTF8.GetString(Payload.ArgsJson)}";
}

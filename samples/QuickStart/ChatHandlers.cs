using OrleansSocket;

namespace QuickStart;

/// <summary>A chat on the main namespace: a message goes to every other socket, and the sender gets an ack.</summary>
public sealed class ChatHandlers : SocketIOHandler
{
    /// <summary>Handles the client's <c>chat message</c> event; the return value is the ack.</summary>
    [On("chat message")]
    public async Task<string> OnChatMessage(string text)
    {
        await Socket.Broadcast.EmitAsync("chat message", text);   // every other socket of the namespace
        return $"delivered: {text}";                         // the ack
    }
}

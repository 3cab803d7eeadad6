using System.Text.Json;
using OrleansSocket;

namespace OrleansSocketApp;

/// <summary>
/// The chat on the main namespace. Each handler runs in the socket's Orleans grain, one event at a time per
/// socket; a handler's return value is the acknowledgement the client gets.
/// </summary>
public sealed class ChatHandlers : SocketIOHandler
{
    /// <summary>The longest message the chat accepts.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>A client connects with <c>io({ auth: { name } })</c>; the name becomes the socket's user id. A client
    /// signed in with a token (Program.cs) is known by the token's name instead.</summary>
    [OnConnect]
    public async Task OnConnect(JsonElement auth)
    {
        var name = Socket.User.Identity?.Name is { Length: > 0 } signedIn ? signedIn
            : auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("name", out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
        Socket.UserId = name.Length is > 0 and <= 32 ? name : $"guest-{Socket.Id[..4]}";
        await Socket.Broadcast.EmitAsync("user joined", Socket.UserId);   // every other socket
    }

    /// <summary><c>chat message</c>: to every socket, the sender's too; the ack says whether it was sent.</summary>
    [On("chat message")]
    public async Task<bool> OnChatMessage(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxMessageLength) return false;
        await Socket.Server.EmitAsync("chat message", new ChatMessage(Socket.UserId!, text.Trim()));
        return true;
    }

    /// <summary>Tells the others who left.</summary>
    [OnDisconnect]
    public Task OnDisconnect() => Socket.Broadcast.EmitAsync("user left", Socket.UserId);
}

/// <summary>A chat line as the page receives it: <c>{ "from": "...", "text": "..." }</c>.</summary>
public sealed record ChatMessage(string From, string Text);

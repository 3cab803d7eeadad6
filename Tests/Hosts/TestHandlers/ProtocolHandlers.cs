using System.Text.Json;

namespace OrleansSocket.TestHosts;

/// <summary>
/// The profile the official Socket.IO protocol suite expects, plus <c>/private</c> for the
/// end-to-end tests of a refused connection. Written with the public handler API, run in grains.
/// </summary>
public static class ProtocolHandlers
{
    public static void Register(ISocketIOBuilder io)
    {
        foreach (var ns in new[] { "/", "/custom" })
        {
            // On connection the socket emits `auth` with the handshake auth object.
            io.OnConnect((ISocket socket) => socket.EmitAsync("auth", JsonDocument.Parse(socket.Handshake.AuthJson).RootElement), ns);
            // `message-with-ack` acks with the same arguments, binary included.
            io.On("message-with-ack", (SocketPayload args) => args, ns);
        }
        // `message` is answered with `message-back` carrying the same arguments.
        io.On("message", (ISocket socket, SocketPayload args) => socket.EmitAsync("message-back", args));

        // Rooms, for the connection state recovery test: `join` (room) acks the socket id;
        // `to_room` (room, ...args) broadcasts `room` with the arguments to the room's members.
        io.On("join", async (ISocket socket, string room) => { await socket.JoinAsync(room); return socket.Id; });
        io.On("to_room", (ISocket socket, string room, JsonElement[] args) => socket.Server.To(room).EmitAsync("room", [.. args.Cast<object?>()]));

        io.OnConnect((PrivateAuth? auth) =>
        {
            if (auth?.Token != "let-me-in")
                throw new ConnectionRefusedException("Not authorized", new { reason = "bad token" });
        }, "/private");
        io.On("message-with-ack", (SocketPayload args) => args, "/private");
    }

    public sealed record PrivateAuth(string? Token);
}

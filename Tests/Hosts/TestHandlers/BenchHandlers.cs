using System.Text.Json;

namespace OrleansSocket.TestHosts;

/// <summary>
/// The benchmark harness's event contract (<c>shared/bench/peers/node-server.js</c>), on namespace <c>/</c>,
/// written with the public handler API and run in the socket grains like any application's handlers.
/// Arguments are passed through raw (<see cref="SocketPayload"/>) wherever the API allows it, so the
/// echo paths never bind or re-serialise the client's JSON.
/// </summary>
/// <remarks>
/// Differences from the Node peer, none of which the harness exercises: a client that asks for an ack on
/// <c>echo</c> gets an empty one (Node never calls it); <c>bcast</c>/<c>bcast_others</c> relay a binary
/// payload only at the top level (nested binary needs a raw broadcast emit, which <see cref="IBroadcast"/>
/// does not have), and the payload is re-written from its parsed JSON rather than copied.
/// </remarks>
public static class BenchHandlers
{
    public static void Register(ISocketIOBuilder io)
    {
        // echo (...args) → socket.emit('echo', ...args): to the sender only, the arguments as received.
        io.On("echo", (ISocket socket, SocketPayload args) => socket.EmitAsync("echo", args));

        // echo_ack (...args, ack) → ack(...args): returning the payload acks with it as it is.
        io.On("echo_ack", (SocketPayload args) => args);

        // join / leave (room[, ack]) → ack({room, ok: true}); the ack is only sent when the client asked for one.
        io.On("join", async (ISocket socket, JsonElement room) =>
        {
            await socket.JoinAsync(RoomName(room));
            return new RoomReply(room, true);
        });
        io.On("leave", async (ISocket socket, JsonElement room) =>
        {
            await socket.LeaveAsync(RoomName(room));
            return new RoomReply(room, true);
        });

        // bcast (room, payload[, ack]) → io.to(room).emit('bcast', payload), the sender included when it is a
        // member; the (empty) ack goes out once the fan-out has been handed to the gateways' streams.
        io.On("bcast", (ISocket socket, JsonElement room, object? payload) =>
            socket.Server.To(RoomName(room)).EmitAsync("bcast", payload));

        // bcast_others (room, payload[, ack]) → socket.to(room).emit('bcast', payload): the sender left out.
        io.On("bcast_others", (ISocket socket, JsonElement room, object? payload) =>
            socket.To(RoomName(room)).EmitAsync("bcast", payload));
    }

    /// <summary>The join/leave ack: <c>{"room": &lt;as sent&gt;, "ok": true}</c>.</summary>
    public sealed record RoomReply(JsonElement Room, bool Ok);

    /// <summary>JavaScript's <c>String(room)</c> for the values a client sends as a room name.</summary>
    private static string RoomName(JsonElement room) =>
        room.ValueKind == JsonValueKind.String ? room.GetString() ?? "" : room.GetRawText();
}

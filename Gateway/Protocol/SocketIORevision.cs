using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// What differs between Socket.IO protocol 4 (socket.io 2.x clients, over Engine.IO 3) and 5 (socket.io 3 and later,
/// over Engine.IO 4): chosen once per connection at the handshake, as <c>EngineCodec</c> is for Engine.IO, so nothing
/// on the packet path asks which protocol it is.
/// </summary>
internal abstract class SocketIORevision
{
    public static readonly SocketIORevision V4 = new V4Revision();
    public static readonly SocketIORevision V5 = new V5Revision();

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>The revision of Socket.IO protocol <paramref name="protocol"/> (4 or 5).</summary>
    public static SocketIORevision For(int protocol) => protocol switch
    {
        4 => V4,
        5 => V5,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Socket.IO protocol 4 or 5."),
    };

    /// <summary>The revision carried by Engine.IO revision <paramref name="engineProtocol"/>: 3 carries 4, 4 carries 5.</summary>
    public static SocketIORevision ForEngine(int engineProtocol) => engineProtocol == 3 ? V4 : V5;

    /// <summary>4 or 5.</summary>
    public abstract int Protocol { get; }

    /// <summary>v4: a CONNECT's namespace may end with the connect query (<c>0/nsp?token=abc,</c>).</summary>
    public abstract bool ConnectQueryInNamespace { get; }

    /// <summary>v5: a CONNECT may carry an auth object; v4: a CONNECT has no payload.</summary>
    public abstract bool ConnectHasPayload { get; }

    /// <summary>v4: the client is connected to <c>/</c> as soon as the connection opens, without a CONNECT.</summary>
    public abstract bool ConnectsMainNamespaceAtOpen { get; }

    /// <summary>v5: a CONNECT may bring back a session (connection state recovery).</summary>
    public abstract bool SupportsRecovery { get; }

    /// <summary>The auth object a CONNECT hands the handlers (UTF-8 JSON; empty: none).</summary>
    public abstract ReadOnlyMemory<byte> ConnectAuth(SocketIOPacket connect);

    /// <summary>
    /// The socket id the client expects on namespace <paramref name="ns"/> of Engine.IO session <paramref name="engineId"/>,
    /// or null when the server makes one up (v5, whose CONNECT reply carries it).
    /// </summary>
    public abstract string? ClientComputedSocketId(string ns, string engineId);

    private sealed class V4Revision : SocketIORevision
    {
        public override int Protocol => 4;
        public override bool ConnectQueryInNamespace => true;
        public override bool ConnectHasPayload => false;
        public override bool ConnectsMainNamespaceAtOpen => true;
        public override bool SupportsRecovery => false;

        /// <summary>v4 clients have no auth object: their namespace query string stands in for it, as a JSON object of strings.</summary>
        public override ReadOnlyMemory<byte> ConnectAuth(SocketIOPacket connect)
        {
            if (string.IsNullOrEmpty(connect.Query)) return EmptyObject;
            var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(connect.Query);
            return JsonSerializer.SerializeToUtf8Bytes(parsed.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()));
        }

        /// <summary>socket.io 2.x computes its socket id: <c>/</c> is the Engine.IO id, another namespace <c>/nsp#</c> + it.</summary>
        public override string? ClientComputedSocketId(string ns, string engineId) => ns == "/" ? engineId : ns + "#" + engineId;
    }

    private sealed class V5Revision : SocketIORevision
    {
        public override int Protocol => 5;
        public override bool ConnectQueryInNamespace => false;
        public override bool ConnectHasPayload => true;
        public override bool ConnectsMainNamespaceAtOpen => false;
        public override bool SupportsRecovery => true;
        public override ReadOnlyMemory<byte> ConnectAuth(SocketIOPacket connect) => connect.Data;
        public override string? ClientComputedSocketId(string ns, string engineId) => null;
    }
}

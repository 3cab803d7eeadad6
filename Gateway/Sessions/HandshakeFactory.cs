using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Gateway.Sessions;

/// <summary>Builds the grain-side <see cref="HandshakeInfo"/> from the Engine.IO request and a namespace CONNECT.</summary>
internal static class HandshakeFactory
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static HandshakeInfo Create(IEngineConnection connection, ReadOnlyMemory<byte> authJson)
    {
        var h = connection.Handshake;
        return new HandshakeInfo
        {
            Headers = h.Headers,
            Query = h.Query,
            AuthJson = authJson.IsEmpty ? EmptyObject : authJson.ToArray(),
            RemoteAddress = h.RemoteAddress,
            EngineIOVersion = connection.ProtocolVersion,
            Transport = connection.Transport,
            Url = h.Url,
            Issued = h.Issued,
            // Claims, not the token: the silo rebuilds the principal without the scheme's keys.
            Identities = HandshakeIdentity.From(h.User),
        };
    }
}

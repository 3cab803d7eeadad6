using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// The payloads of the namespace packets a <see cref="SocketIODecoder"/> reads: CONNECT (the auth object),
/// DISCONNECT (none) and CONNECT_ERROR (the error). Each is validated and returned as its own copy.
/// </summary>
internal static class NamespacePayloads
{
    /// <summary>A CONNECT's auth object (v5), or nothing; protocol v4 has no CONNECT payload.</summary>
    public static ReadOnlyMemory<byte> Connect(ReadOnlySpan<byte> payload, SocketIORevision revision, int maxDepth)
    {
        if (payload.IsEmpty)
        {
            return default;
        }

        if (!revision.ConnectHasPayload)
        {
            // v4 CONNECT carries no payload: auth travels in the namespace query instead.
            throw new SocketIODecodeException("invalid payload: CONNECT has no payload in protocol v4");
        }

        var scan = JsonPayloadScanner.Scan(payload, attachmentCount: 0, maxDepth);
        if (scan.RootType != JsonTokenType.StartObject)
        {
            throw new SocketIODecodeException("invalid payload: CONNECT payload must be an object");
        }

        return payload[scan.Start..scan.End].ToArray();
    }

    /// <summary>A DISCONNECT has no payload.</summary>
    public static ReadOnlyMemory<byte> Disconnect(ReadOnlySpan<byte> payload)
    {
        if (!payload.IsEmpty)
        {
            throw new SocketIODecodeException("invalid payload: DISCONNECT has no payload");
        }

        return default;
    }

    /// <summary>A CONNECT_ERROR's error: v5 sends <c>{"message":...,"data":...}</c>; v4 (ERROR) a string, or the error's data object.</summary>
    public static ReadOnlyMemory<byte> ConnectError(ReadOnlySpan<byte> payload, int maxDepth)
    {
        if (payload.IsEmpty)
        {
            return default;
        }

        var scan = JsonPayloadScanner.Scan(payload, attachmentCount: 0, maxDepth);
        if (scan.RootType is not (JsonTokenType.String or JsonTokenType.StartObject))
        {
            throw new SocketIODecodeException("invalid payload: CONNECT_ERROR payload must be a string or an object");
        }

        return payload[scan.Start..scan.End].ToArray();
    }
}

namespace OrleansSocket;

/// <summary>
/// Socket.IO arguments on the wire between gateway and grains: a UTF-8 JSON array whose binary
/// values are <c>{"_placeholder":true,"num":n}</c> objects, plus the attachments they point at.
/// Passed as immutable bytes; parsed only where a handler binds them to CLR parameters.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.SocketPayload")]
public sealed record SocketPayload(
    [property: Id(0)] byte[] ArgsJson,
    [property: Id(1)] byte[][]? Attachments = null)
{
    /// <summary>No arguments.</summary>
    public static readonly SocketPayload Empty = new("[]"u8.ToArray());
    /// <summary>How many binary attachments the arguments carry.</summary>
    public int AttachmentCount => Attachments?.Length ?? 0;
}

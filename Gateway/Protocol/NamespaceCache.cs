namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Remembers the last namespace a connection used, so the common case (every packet on the same one
/// or two namespaces) does not allocate a new string per packet. One per decoder, like its state.
/// </summary>
internal sealed class NamespaceCache
{
    private byte[] _bytes = "/"u8.ToArray();
    private string _name = "/";

    /// <summary>The namespace for <paramref name="utf8"/>, reusing the previous string when the bytes match.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.SequenceEqual(_bytes))
        {
            return _name;
        }

        var name = StrictUtf8.Decode(utf8, "namespace");
        _bytes = utf8.ToArray();
        _name = name;
        return name;
    }
}

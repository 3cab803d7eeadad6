using System.Text.Json;

namespace OrleansSocket.Testing;

/// <summary>
/// The CONNECT_ERROR a refused connection got: what a connect handler or middleware put in
/// <see cref="ConnectionRefusedException"/> (or "Connection rejected by server", "Invalid namespace").
/// </summary>
public sealed record ConnectError(string Message, JsonElement? Data)
{
    /// <summary><see cref="Data"/> deserialized as <typeparamref name="T"/> (web defaults), or default when there is none.</summary>
    public T? DataAs<T>() => Data is { } data ? data.Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web)) : default;
}

using System.Text.Json;

namespace OrleansSocket;

/// <summary>The arguments a client acknowledged a server emit with.</summary>
public sealed class ClientAck
{
    public ClientAck(SocketPayload payload) => Payload = payload;

    public SocketPayload Payload { get; }

    /// <summary>The ack arguments as JSON (binary values are <c>_placeholder</c> objects; see <see cref="Payload"/>).</summary>
    public JsonElement[] Args
    {
        get
        {
            using var doc = JsonDocument.Parse(Payload.ArgsJson);
            return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
        }
    }

    /// <summary>Argument <paramref name="index"/> deserialized as <typeparamref name="T"/>.</summary>
    public T? Arg<T>(int index) => Args[index].Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}

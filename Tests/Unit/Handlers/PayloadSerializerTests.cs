using System.Text;
using System.Text.Json;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

public record Nested(string Name, byte[] Data, Inner Inner);

public record Inner(ReadOnlyMemory<byte> Blob, IReadOnlyList<byte[]> Parts);

public class PayloadSerializerTests
{
    private static string Json(SocketPayload payload) => Encoding.UTF8.GetString(payload.ArgsJson);

    [Fact]
    public void Plain_values_use_web_defaults_and_have_no_attachments()
    {
        var payload = PayloadSerializer.Serialize("a", 1, null, new Payload("t", 2));

        Assert.Equal("""["a",1,null,{"text":"t","count":2}]""", Json(payload));
        Assert.Null(payload.Attachments);
    }

    [Fact]
    public void A_lone_string_is_written_as_the_serializer_writes_it()
    {
        // The one-copy path for a string answer must agree with System.Text.Json on every character it takes,
        // and leave the others (quotes, backslashes, control and non-ASCII characters) to it.
        var samples = Enumerable.Range(0, 0x80).Select(c => $"a{(char)c}b")
            .Concat(["", "é", "\ud800", "<script>&'+`", "line\nbreak", new string('x', 5000)]);
        foreach (var text in samples)
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(new object?[] { text }, PayloadSerializer.Options);
            Assert.Equal(Encoding.UTF8.GetString(expected), Json(PayloadSerializer.Serialize(text)));
        }
    }

    [Fact]
    public void Values_after_binary_keep_their_numbering_and_the_thread_buffer_is_reused()
    {
        var first = PayloadSerializer.Serialize(1, new byte[] { 1 }, "s", new Inner(new byte[] { 2 }, []));
        var second = PayloadSerializer.Serialize(2, "t");

        Assert.Equal("""[1,{"_placeholder":true,"num":0},"s",{"blob":{"_placeholder":true,"num":1},"parts":[]}]""", Json(first));
        Assert.Equal([[1], [2]], first.Attachments!);
        Assert.Equal("""[2,"t"]""", Json(second));
        Assert.Null(second.Attachments);
    }

    [Fact]
    public void Top_level_binary_becomes_placeholder_and_attachment()
    {
        var payload = PayloadSerializer.Serialize("x", new byte[] { 1 }, new ReadOnlyMemory<byte>([2, 3]));

        Assert.Equal("""["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]""", Json(payload));
        Assert.Equal([[1], [2, 3]], payload.Attachments!);
    }

    [Fact]
    public void Nested_binary_is_numbered_in_document_order()
    {
        var value = new Nested("n", [1], new Inner(new byte[] { 2 }, [[3], [4]]));

        var payload = PayloadSerializer.Serialize(value, new { more = new object[] { new byte[] { 5 } } });

        Assert.Equal(
            """[{"name":"n","data":{"_placeholder":true,"num":0},"inner":{"blob":{"_placeholder":true,"num":1},"parts":[{"_placeholder":true,"num":2},{"_placeholder":true,"num":3}]}},{"more":[{"_placeholder":true,"num":4}]}]""",
            Json(payload));
        Assert.Equal([[1], [2], [3], [4], [5]], payload.Attachments!);
    }

    [Fact]
    public void JsonElement_passes_through_raw()
    {
        var element = JsonDocument.Parse("""{"Keep":"Case","_placeholder":true,"num":9}""").RootElement.Clone();

        var payload = PayloadSerializer.Serialize(element);

        Assert.Equal("""[{"Keep":"Case","_placeholder":true,"num":9}]""", Json(payload));
        Assert.Null(payload.Attachments);
    }

    [Fact]
    public void ToJsonArgs_leaves_placeholders_as_they_are()
    {
        var args = PayloadSerializer.ToJsonArgs(PayloadSerializer.Serialize("a", new byte[] { 1 }));

        Assert.Equal(2, args.Length);
        Assert.Equal("a", args[0].GetString());
        Assert.True(args[1].GetProperty("_placeholder").GetBoolean());
        Assert.Equal(0, args[1].GetProperty("num").GetInt32());
    }

    [Fact]
    public void ToJsonArgs_of_empty_payload_is_empty() => Assert.Empty(PayloadSerializer.ToJsonArgs(SocketPayload.Empty));

    [Fact]
    public void Serialized_binary_binds_back_into_typed_object()
    {
        var sent = new Nested("n", [1, 2], new Inner(new byte[] { 3 }, [[4]]));
        Nested? received = null;
        var registry = SocketIOHandlerRegistry.Create(io => io.On("e", (Nested n) => { received = n; }));

        var dispatched = registry.Dispatch(new FakeSocket(), new ClientEvent("e", PayloadSerializer.Serialize(sent), false), new ServiceProviderStub());

        Assert.True(dispatched.IsCompletedSuccessfully);
        Assert.Equal([1, 2], received!.Data);
        Assert.Equal([3], received.Inner.Blob.ToArray());
        Assert.Equal([4], Assert.Single(received.Inner.Parts));
    }

    private sealed class ServiceProviderStub : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

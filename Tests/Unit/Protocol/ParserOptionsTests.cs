using Microsoft.Extensions.Configuration;
using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>MaxAttachments at its edges, custom limits, configuration binding, constructor checks.</summary>
public class ParserOptionsTests
{
    private static string BinaryEvent(int count) =>
        $"5{count}-[\"files\"" + string.Concat(Enumerable.Range(0, count).Select(i => $",{{\"_placeholder\":true,\"num\":{i}}}")) + "]";

    private static SocketIOPacket? Feed(SocketIODecoder decoder, int count)
    {
        Assert.Null(decoder.DecodeText(Wire.Bytes(BinaryEvent(count))));
        SocketIOPacket? packet = null;
        for (var i = 0; i < count; i++)
        {
            packet = decoder.DecodeBinary([(byte)i]);
        }

        return packet;
    }

    [Fact]
    public void Default_limit_is_10()
    {
        Assert.Equal(10, new SocketIOParserOptions().MaxAttachments);
        Assert.Equal(64, new SocketIOParserOptions().MaxDepth);
    }

    [Fact]
    public void Ten_attachments_are_accepted_by_default()
    {
        var packet = Feed(Wire.Decoder(), 10);

        Assert.NotNull(packet);
        Assert.Equal(10, packet.Attachments.Count);
        Assert.Equal(new byte[] { 9 }, packet.Attachments[9]);
    }

    [Fact]
    public void Eleven_attachments_are_rejected_by_default()
    {
        var ex = Assert.Throws<SocketIODecodeException>(() => Wire.Decoder().DecodeText(Wire.Bytes(BinaryEvent(11))));

        Assert.StartsWith("too many attachments", ex.Message);
    }

    [Fact]
    public void Custom_limit_like_socket_io_parser_test()
    {
        // parser.js: new Decoder({ maxAttachments: 2 }) rejects '53-["hello",...]' with "too many attachments".
        var options = new SocketIOParserOptions { MaxAttachments = 2 };

        Assert.NotNull(Feed(new SocketIODecoder(5, options), 2));
        var ex = Assert.Throws<SocketIODecodeException>(
            () => new SocketIODecoder(5, options).DecodeText(Wire.Bytes(BinaryEvent(3))));
        Assert.StartsWith("too many attachments", ex.Message);
    }

    [Fact]
    public void Raised_limit_allows_more()
    {
        var decoder = new SocketIODecoder(4, new SocketIOParserOptions { MaxAttachments = 25 });

        var packet = Feed(decoder, 25);

        Assert.Equal(25, packet?.Attachments.Count);
        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes(BinaryEvent(26))));
    }

    [Fact]
    public void Zero_disables_binary_packets()
    {
        var decoder = new SocketIODecoder(5, new SocketIOParserOptions { MaxAttachments = 0 });

        Assert.Throws<SocketIODecodeException>(() => decoder.DecodeText(Wire.Bytes(BinaryEvent(1))));
        Assert.Equal("text", decoder.DecodeText(Wire.Bytes("2[\"text\"]"))?.EventName);
    }

    [Fact]
    public void Binds_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SocketIO:Parser:MaxAttachments"] = "3",
                ["SocketIO:Parser:MaxDepth"] = "16",
            })
            .Build();

        var options = new SocketIOParserOptions();
        configuration.GetSection("SocketIO:Parser").Bind(options);

        Assert.Equal(3, options.MaxAttachments);
        Assert.Equal(16, options.MaxDepth);
    }

    [Fact]
    public void Constructor_rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIODecoder(3, new SocketIOParserOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIODecoder(6, new SocketIOParserOptions()));
        Assert.Throws<ArgumentNullException>(() => new SocketIODecoder(5, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIODecoder(5, new SocketIOParserOptions { MaxAttachments = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIODecoder(5, new SocketIOParserOptions { MaxDepth = 0 }));
        Assert.Equal(4, new SocketIODecoder(4, new SocketIOParserOptions()).Protocol);
    }
}

using OrleansSocket.Gateway.Protocol;

namespace OrleansSocket.Tests.Protocol;

/// <summary>
/// The decoder's contract under hostile input: a packet or a <see cref="SocketIODecodeException"/>,
/// never another exception. Every prefix and thousands of seeded mutations of valid packets.
/// </summary>
public class DecoderRobustnessTests
{
    private static readonly string[] Seeds =
    [
        "0/admin,{\"token\":\"123\"}",
        "0/nsp?token=abc,",
        "1/admin,",
        "2/admin,456[\"project:delete\",123,{\"a\":[true,null,-1.5e3,\"\\u00e9\"]}]",
        "3/admin,13[\"bar\",{}]",
        "4{\"message\":\"Not authorized\",\"data\":{\"x\":1}}",
        "52-/admin,7[\"baz\",{\"_placeholder\":true,\"num\":0},{\"o\":{\"num\":1,\"_placeholder\":true}}]",
        "61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]",
    ];

    // Bytes that matter to the grammar, plus some that break UTF-8.
    private static readonly byte[] Interesting = "0123456789-/,[]{}\":.e?\\ _placeholdernum\u00e9"u8.ToArray()
        .Concat(new byte[] { 0x00, 0x7F, 0x80, 0xC3, 0xFF })
        .ToArray();

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Every_prefix_decodes_or_throws_a_decode_exception(int protocolVersion)
    {
        var outcomes = new Outcomes();
        foreach (var seed in Seeds)
        {
            var bytes = Wire.Bytes(seed);
            for (var length = 0; length <= bytes.Length; length++)
            {
                outcomes.Run(protocolVersion, bytes.AsSpan(0, length));
            }
        }

        Assert.Empty(outcomes.Unexpected);
        Assert.True(outcomes.Decoded > 0);
        Assert.True(outcomes.Rejected > 0);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(4, 2)]
    public void Random_mutations_decode_or_throw_a_decode_exception(int protocolVersion, int seed)
    {
        var random = new Random(seed);
        var outcomes = new Outcomes();
        for (var round = 0; round < 20_000; round++)
        {
            var bytes = Wire.Bytes(Seeds[random.Next(Seeds.Length)]).ToList();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(bytes.Count + 1);
                var b = Interesting[random.Next(Interesting.Length)];
                switch (random.Next(3))
                {
                    case 0 when at < bytes.Count:
                        bytes[at] = b;
                        break;
                    case 1 when at < bytes.Count:
                        bytes.RemoveAt(at);
                        break;
                    default:
                        bytes.Insert(at, b);
                        break;
                }
            }

            outcomes.Run(protocolVersion, bytes.ToArray());
        }

        Assert.Empty(outcomes.Unexpected);
        Assert.True(outcomes.Decoded > 0);
        Assert.True(outcomes.Rejected > 0);
    }

    /// <summary>Tallies what the decoder did; anything but a packet, "pending", or a decode exception is a bug.</summary>
    private sealed class Outcomes
    {
        public List<string> Unexpected { get; } = [];

        public int Decoded { get; private set; }

        public int Rejected { get; private set; }

        public void Run(int protocolVersion, ReadOnlySpan<byte> text)
        {
            var decoder = Wire.Decoder(protocolVersion);
            try
            {
                var packet = decoder.DecodeText(text);
                while (packet is null && decoder.IsAwaitingAttachments)
                {
                    packet = decoder.DecodeBinary([1, 2]);
                }

                Assert.NotNull(packet);
                Decoded++;
            }
            catch (SocketIODecodeException)
            {
                Rejected++;
            }
            catch (Exception ex)
            {
                Unexpected.Add($"{Convert.ToHexString(text)}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}

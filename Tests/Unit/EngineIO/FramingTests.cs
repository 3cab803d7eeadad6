using System.Text.Unicode;
using OrleansSocket.Gateway.EngineIO.Takeover;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>The parts of <see cref="PipeWebSocket"/>'s framing that work on bytes alone.</summary>
public sealed class FramingTests
{
    [Fact]
    public void Unmasking_InParts_IsTheByteByByteXorOfRfc6455()
    {
        byte[] key = [0x11, 0xA2, 0x5C, 0xF7];
        var mask = BitConverter.ToInt32(key);
        var data = Enumerable.Range(0, 67).Select(i => (byte)(i * 7)).ToArray();
        var expected = data.Select((b, i) => (byte)(b ^ key[i % 4])).ToArray();

        foreach (var split in new[] { 0, 1, 3, 8, 13, 66 })
        {
            var copy = data.ToArray();
            var index = FrameMask.Apply(copy.AsSpan(0, split), mask, 0);
            Assert.Equal(split & 3, index);
            FrameMask.Apply(copy.AsSpan(split), mask, index);
            Assert.Equal(expected, copy);
        }
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65_535, 4)]
    [InlineData(65_536, 10)]
    public void AServersHeader_TakesTheShortestLength(long length, int size)
    {
        var header = new byte[FrameHeader.MaxSize];

        Assert.Equal(size, FrameHeader.Write(header, fin: true, FrameOpcode.Binary, length));
        Assert.Equal(0x82, header[0]);
    }

    [Fact]
    public void AClientsHeader_IsIncompleteUntilItsMaskingKey()
    {
        var frame = TestPipes.ClientFrame(0x81, new byte[300]);

        for (var i = 0; i < 8; i++)
            Assert.Equal(FrameHeaderStatus.Incomplete, FrameHeader.TryRead(new(frame.AsMemory(0, i)), out _, out _));
        Assert.Equal(FrameHeaderStatus.Read, FrameHeader.TryRead(new(frame.AsMemory(0, 8)), out var header, out var size));
        Assert.Equal((true, FrameOpcode.Text, 300L, 8), (header.Fin, header.Opcode, header.Length, size));
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("é€😀 mixed")]
    [InlineData("😀😀😀")]
    public void Utf8_SplitAnywhere_IsValid(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        for (var split = 0; split <= bytes.Length; split++)
        {
            for (var second = split; second <= bytes.Length; second++)
            {
                var validator = default(Utf8MessageValidator);
                Assert.True(validator.Append(bytes.AsSpan(0, split)));
                Assert.True(validator.Append(bytes.AsSpan(split, second - split)));
                Assert.True(validator.Append(bytes.AsSpan(second)));
                Assert.True(validator.IsComplete);
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })] // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xE2, 0x28, 0xA1 })] // a lead byte followed by ASCII
    [InlineData(new byte[] { 0x80 })] // a lone continuation byte
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })] // cut short
    public void Utf8_SplitAnywhere_IsInvalid(byte[] bytes)
    {
        Assert.False(Utf8.IsValid(bytes));
        for (var split = 0; split <= bytes.Length; split++)
        {
            var validator = default(Utf8MessageValidator);
            var valid = validator.Append(bytes.AsSpan(0, split)) && validator.Append(bytes.AsSpan(split)) && validator.IsComplete;
            Assert.False(valid);
        }
    }
}

using OrleansSocket.Gateway.EngineIO;

namespace OrleansSocket.Tests.EngineIO;

public class EngineOutboxTests
{
    private static readonly byte[][] NoAttachments = [];

    private static QueuedPacket Message(byte value, bool isVolatile) =>
        new(EnginePacketType.Message, new[] { value }, false, isVolatile);

    private static List<byte> TakeAll(EngineOutbox outbox)
    {
        var batch = new List<QueuedPacket>();
        outbox.Take(batch, int.MaxValue);
        return [.. batch.Select(p => p.Data.Span[0])];
    }

    [Fact]
    public void APacketThatIsNotVolatile_DropsTheOldestVolatileFirst()
    {
        var outbox = new EngineOutbox(maxPackets: 10, maxBytes: 1000);
        for (var i = 0; i < 10; i++)
            Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message((byte)i, isVolatile: i % 3 == 1)));

        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(10, isVolatile: false))); // drops 1
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[] { 11 }, NoAttachments, isVolatile: false)); // drops 4

        Assert.Equal(10, outbox.Count);
        Assert.Equal([0, 2, 3, 5, 6, 7, 8, 9, 10, 11], TakeAll(outbox));
    }

    [Fact]
    public void AVolatilePacket_IsRefusedWhenFull_AndDropsNothing()
    {
        var outbox = new EngineOutbox(maxPackets: 2, maxBytes: 1000);
        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(1, isVolatile: true)));
        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(2, isVolatile: false)));

        Assert.Equal(BufferBound.Packets, outbox.TryEnqueueMessage(new byte[] { 3 }, NoAttachments, isVolatile: true));
        Assert.Equal([1, 2], TakeAll(outbox));
    }

    [Fact]
    public void AVolatilePacket_IsDroppedWithItsAttachments_NeverAnAttachmentWhosePacketWasTaken()
    {
        var outbox = new EngineOutbox(maxPackets: 6, maxBytes: 1000);
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[] { 1 }, [[11]], isVolatile: true));
        var taken = new List<QueuedPacket>();
        outbox.Take(taken, 1); // the packet is on its way; its attachment must follow
        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(2, isVolatile: false)));
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[] { 3, 3 }, [[4, 4, 4], [5]], isVolatile: true));
        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(6, isVolatile: true)));
        Assert.Equal(6, outbox.Count);

        Assert.Equal(BufferBound.None, outbox.TryEnqueue(Message(7, isVolatile: false))); // drops 3 with 4 and 5
        Assert.Equal(4, outbox.Count);
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[] { 8 }, [[9], [9]], isVolatile: false)); // drops 6
        Assert.Equal([11, 2, 7, 8, 9, 9], TakeAll(outbox));
    }

    [Fact]
    public void BytesTakenByATransport_CountUntilWritten()
    {
        var outbox = new EngineOutbox(maxPackets: 10, maxBytes: 4);
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[3], NoAttachments, isVolatile: false));
        var taken = new List<QueuedPacket>();
        outbox.Take(taken, 10);
        Assert.Equal(0, outbox.Count);
        Assert.Equal(3, outbox.BufferedBytes);

        Assert.Equal(BufferBound.Bytes, outbox.TryEnqueueMessage(new byte[2], NoAttachments, isVolatile: false));
        outbox.ReleaseWritten(3);
        Assert.Equal(BufferBound.None, outbox.TryEnqueueMessage(new byte[2], [new byte[2]], isVolatile: false));
        Assert.Equal(4, outbox.BufferedBytes);
        Assert.Equal(BufferBound.Bytes, outbox.TryEnqueue(Message(1, isVolatile: false)));
    }

    [Fact]
    public void Take_StopsAfterTheCloseMarker()
    {
        var outbox = new EngineOutbox(maxPackets: 10, maxBytes: 1000);
        outbox.TryEnqueue(Message(1, isVolatile: false));
        outbox.EnqueueControl(QueuedPacket.Control(EnginePacketType.Close));
        outbox.TryEnqueue(Message(2, isVolatile: false));
        var batch = new List<QueuedPacket>();
        outbox.Take(batch, 10);
        Assert.Equal([EnginePacketType.Message, EnginePacketType.Close], batch.Select(p => p.Type));
        Assert.Equal(1, outbox.Count);
    }
}

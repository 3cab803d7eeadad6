using System.Text;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Testing;

/// <summary>The test kit's in-memory Engine.IO connection: a transport's ordering, back-pressure and close.</summary>
public sealed class InMemoryEngineConnectionTests
{
    private sealed class Listener : IEngineListener, IEngineInbound
    {
        public List<string> Seen { get; } = [];
        public TaskCompletionSource Room { get; set; } = Done();
        public string? Closed { get; private set; }

        public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary)
        {
            lock (Seen) Seen.Add((isBinary ? "bin:" : "") + Encoding.UTF8.GetString(data.Span));
        }

        IEngineInbound IEngineListener.Inbound => this;

        public ValueTask WaitForRoomAsync(int length) => new(Room.Task);

        public void OnClose(EngineCloseReason reason)
        {
            Closed = reason.ToWireString();
            Room.TrySetResult();
        }

        private static TaskCompletionSource Done()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }

    private sealed class Application(Listener listener) : IEngineApplication
    {
        public IEngineListener OnOpen(IEngineConnection connection) => listener;
    }

    private readonly List<string> _toClient = [];
    private int _closedByServer;

    private InMemoryEngineConnection Open(Listener listener)
    {
        var connection = new InMemoryEngineConnection("sid", new EngineHandshake(new Dictionary<string, string>(),
            new Dictionary<string, string>(), "127.0.0.1", "/socket.io/", false, DateTimeOffset.UnixEpoch),
            (data, isBinary) => _toClient.Add((isBinary ? "bin:" : "") + Encoding.UTF8.GetString(data.Span)),
            () => _closedByServer++);
        connection.Open(new Application(listener));
        return connection;
    }

    private static ReadOnlyMemory<byte> Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Messages_reach_the_listener_in_order_each_after_its_room()
    {
        var listener = new Listener();
        var connection = Open(listener);
        await connection.ReceiveAsync(Text("a"), false);
        Assert.Equal(["a"], listener.Seen);

        listener.Room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var b = connection.ReceiveAsync(Text("b"), false);
        var c = connection.ReceiveAsync(Text("c"), true);
        await Task.Delay(20);
        Assert.False(b.IsCompleted); // no room: the loop reads nothing more
        Assert.False(connection.IsIdle);

        listener.Room.SetResult();
        await c.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["a", "b", "bin:c"], listener.Seen);
        Assert.True(connection.IsIdle);
    }

    [Fact]
    public void A_packet_and_its_attachments_reach_the_client_as_one_unit()
    {
        var connection = Open(new Listener());
        Assert.True(connection.SendWithAttachments(Text("51-[\"e\",{\"_placeholder\":true,\"num\":0}]"), [Encoding.UTF8.GetBytes("x")]));
        Assert.Equal(["51-[\"e\",{\"_placeholder\":true,\"num\":0}]", "bin:x"], _toClient);
    }

    [Fact]
    public async Task A_server_close_is_a_forced_close_after_what_the_client_sent_and_ends_sending()
    {
        var listener = new Listener();
        var connection = Open(listener);
        var before = connection.ReceiveAsync(Text("before"), false);
        connection.Close();
        Assert.Equal(1, _closedByServer);
        Assert.False(connection.Send(Text("late"), false));
        await connection.ReceiveAsync(Text("after"), false).WaitAsync(TimeSpan.FromSeconds(5)); // dropped, not left waiting
        await before;
        Assert.Equal(["before"], listener.Seen);
        Assert.Equal("forced close", listener.Closed);
        Assert.Empty(_toClient);
    }

    [Fact]
    public async Task A_client_close_reaches_the_listener_once_with_its_reason()
    {
        var listener = new Listener();
        var connection = Open(listener);
        await connection.CloseFromClientAsync();
        await connection.CloseFromClientAsync(EngineCloseReason.PingTimeout);
        Assert.Equal("transport close", listener.Closed);
        Assert.Equal(0, _closedByServer);
        Assert.False(connection.Send(Text("x"), false));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using OrleansSocket.Grains.Adapters;
using OrleansSocket.Gateway.Sessions;

namespace OrleansSocket.Tests.Adapters;

/// <summary>The gateway's local room index: how a broadcast's rooms and exceptions resolve to local sockets.</summary>
public sealed class LocalRoomIndexTests
{
    private readonly LocalRoomIndex<NamespaceSocket> _index = new();
    private readonly Dictionary<string, NamespaceSocket> _byId = [];

    private NamespaceSocket Socket(string id, string ns = "/")
    {
        // Only the id and namespace matter to the index; the session and grain are never touched.
        var socket = new NamespaceSocket(null!, id, ns, null!, NullLogger.Instance);
        _byId[id] = socket;
        _index.Add(socket);
        return socket;
    }

    private string[] Resolve(string ns, string[] rooms, string[]? except = null) =>
        [.. _index.Resolve(ns, rooms, except ?? [], id => _byId.GetValueOrDefault(id)).Select(s => s.Id).Order()];

    [Fact]
    public void Empty_rooms_mean_the_whole_namespace()
    {
        Socket("a"); Socket("b"); Socket("c", "/chat");
        Assert.Equal(["a", "b"], Resolve("/", []));
        Assert.Equal(["c"], Resolve("/chat", []));
    }

    [Fact]
    public void Rooms_are_a_union_and_per_namespace()
    {
        var a = Socket("a"); var b = Socket("b"); var c = Socket("c"); var d = Socket("d", "/chat");
        _index.Join(a, ["r1"]); _index.Join(b, ["r2"]); _index.Join(c, ["r3"]); _index.Join(d, ["r1"]);
        Assert.Equal(["a", "b"], Resolve("/", ["r1", "r2"]));
        Assert.Equal(["d"], Resolve("/chat", ["r1"]));
    }

    [Fact]
    public void Except_removes_members_of_rooms_and_socket_ids()
    {
        var a = Socket("a"); var b = Socket("b"); var c = Socket("c");
        _index.Join(a, ["room"]); _index.Join(b, ["room", "muted"]); _index.Join(c, ["room"]);
        Assert.Equal(["a"], Resolve("/", ["room"], ["muted", "c"]));
        Assert.Equal(["a", "c"], Resolve("/", [], ["muted"]));
    }

    [Fact]
    public void Every_socket_is_in_the_room_of_its_own_id_in_its_namespace_only()
    {
        Socket("a"); Socket("z", "/chat");
        Assert.Equal(["a"], Resolve("/", ["a"]));
        Assert.Empty(Resolve("/", ["z"]));
    }

    [Fact]
    public void A_room_named_as_a_socket_id_reaches_its_members_and_that_socket_once()
    {
        var a = Socket("a"); var b = Socket("b"); Socket("c");
        _index.Join(a, ["b"]);
        Assert.Equal(["a", "b"], Resolve("/", ["b"]));
        _index.Join(b, ["b"]);
        Assert.Equal(["a", "b"], Resolve("/", ["b"]));
        Assert.Equal(["a", "b"], Resolve("/", ["b", "a"]));
    }

    [Fact]
    public void A_resolved_list_is_the_callers_own()
    {
        var a = Socket("a"); var b = Socket("b");
        _index.Join(a, ["room"]);
        var room = _index.Resolve("/", ["room"], [], id => _byId.GetValueOrDefault(id));
        var all = _index.Resolve("/", [], [], id => _byId.GetValueOrDefault(id));
        room.Add(b);
        all.Clear();
        Assert.Equal(["a"], Resolve("/", ["room"]));
        Assert.Equal(["a", "b"], Resolve("/", []));
    }

    [Fact]
    public void Leave_and_remove_end_membership()
    {
        var a = Socket("a"); var b = Socket("b");
        _index.Join(a, ["room"]); _index.Join(b, ["room"]);
        _index.Leave(a, ["room"]);
        Assert.Equal(["b"], Resolve("/", ["room"]));
        _index.Remove(b);
        Assert.Empty(Resolve("/", ["room"]));
        Assert.Empty(Resolve("/", ["b"]));
        Assert.Equal(["a"], Resolve("/", []));
    }
}

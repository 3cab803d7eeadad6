namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// The sockets one node (a gateway) holds, as the adapters reach them: by id (through the node's own table), and by
/// namespace and room (a <see cref="LocalRoomIndex{TSocket}"/>). The node indexes a socket once it is connected
/// (<see cref="Add"/>) and forgets it when it leaves (<see cref="Remove"/>); the adapter keeps its rooms in step and,
/// once the node is attached (<see cref="SocketIOAdapter.AttachNodeAsync"/>), delivers broadcasts to it here.
/// </summary>
/// <param name="id">The node's id: the gateway id, which the cluster routes the node's broadcasts by.</param>
/// <param name="find">The node's socket of an id, connected or connecting; null when it holds none.</param>
internal sealed class AdapterNode(string id, Func<string, IAdapterSocket?> find)
{
    private readonly LocalRoomIndex<IAdapterSocket> _index = new();

    /// <summary>The node's id: the gateway id.</summary>
    public string Id => id;

    /// <summary>The node's socket of an id; null when it holds none.</summary>
    public IAdapterSocket? Find(string socketId) => find(socketId);

    /// <summary>A socket connected: it is in its namespace (and the room of its own id).</summary>
    public void Add(IAdapterSocket socket) => _index.Add(socket);

    /// <summary>A socket left: out of its namespace and every room.</summary>
    public void Remove(IAdapterSocket socket) => _index.Remove(socket);

    /// <summary>Puts <paramref name="socket"/> in <paramref name="rooms"/>.</summary>
    public void Join(IAdapterSocket socket, IEnumerable<string> rooms) => _index.Join(socket, rooms);

    /// <summary>Takes <paramref name="socket"/> out of <paramref name="rooms"/>.</summary>
    public void Leave(IAdapterSocket socket, IEnumerable<string> rooms) => _index.Leave(socket, rooms);

    /// <summary>The rooms a socket of this node joined (not its own id's room).</summary>
    public string[] RoomsOf(IAdapterSocket socket) => _index.RoomsOf(socket);

    /// <summary>The namespaces this node has connected sockets in.</summary>
    public string[] Namespaces() => _index.Namespaces();

    /// <summary>The node's sockets a broadcast reaches: members of <paramref name="rooms"/> (every socket of the
    /// namespace when empty; a room may be a socket id) minus members of <paramref name="except"/>.</summary>
    public List<IAdapterSocket> Resolve(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except) =>
        _index.Resolve(ns, rooms, except, find);

    /// <summary>Writes one packet to <paramref name="targets"/>, encoded once for all of them.</summary>
    public static void Deliver(IEnumerable<IAdapterSocket> targets, OutboundPacket packet)
    {
        var shared = new SharedPacket(packet);
        foreach (var socket in targets) socket.Deliver(shared);
    }
}

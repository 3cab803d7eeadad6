namespace OrleansSocket.Testing;

/// <summary>
/// The test gateway's own view of rooms, with the semantics of the real gateway's <c>LocalRoomIndex</c>
/// (Gateway/Fanout): a broadcast arrives once per gateway and is resolved here to local sockets. Every
/// socket is also in the room of its own id; a socket joins the namespace-wide set only once accepted,
/// but rooms it joins while its connect handler runs count at once (held back until it is accepted).
/// </summary>
/// <remarks>A small equivalent rather than the Gateway's class, which is bound to the gateway's session type.</remarks>
internal sealed class TestRoomIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<SocketIOTestClient>> _namespaces = [];
    private readonly Dictionary<(string Namespace, string Room), HashSet<SocketIOTestClient>> _rooms = [];
    private readonly Dictionary<SocketIOTestClient, HashSet<string>> _roomsOf = [];

    public void Add(SocketIOTestClient socket)
    {
        lock (_gate)
        {
            Set(_namespaces, socket.Namespace).Add(socket);
            _roomsOf.TryAdd(socket, []);
        }
    }

    public void Join(SocketIOTestClient socket, IEnumerable<string> rooms)
    {
        lock (_gate)
        {
            if (!_roomsOf.TryGetValue(socket, out var own)) _roomsOf[socket] = own = [];
            foreach (var room in rooms)
                if (own.Add(room)) Set(_rooms, (socket.Namespace, room)).Add(socket);
        }
    }

    public void Leave(SocketIOTestClient socket, IEnumerable<string> rooms)
    {
        lock (_gate)
        {
            if (!_roomsOf.TryGetValue(socket, out var own)) return;
            foreach (var room in rooms)
                if (own.Remove(room)) RemoveFrom(_rooms, (socket.Namespace, room), socket);
        }
    }

    public void Remove(SocketIOTestClient socket)
    {
        lock (_gate)
        {
            RemoveFrom(_namespaces, socket.Namespace, socket);
            if (!_roomsOf.Remove(socket, out var own)) return;
            foreach (var room in own) RemoveFrom(_rooms, (socket.Namespace, room), socket);
        }
    }

    /// <summary>Members of <paramref name="rooms"/> (every socket of the namespace when empty) minus members of <paramref name="except"/>.</summary>
    public List<SocketIOTestClient> Resolve(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except,
        Func<string, SocketIOTestClient?> findById)
    {
        var targets = new HashSet<SocketIOTestClient>();
        lock (_gate)
        {
            if (rooms.Count == 0)
            {
                if (_namespaces.TryGetValue(ns, out var all)) targets.UnionWith(all);
            }
            else
            {
                foreach (var room in rooms) AddMembers(targets, ns, room, findById);
            }
            if (except.Count > 0)
            {
                var excluded = new HashSet<SocketIOTestClient>();
                foreach (var room in except) AddMembers(excluded, ns, room, findById);
                targets.ExceptWith(excluded);
            }
        }
        return [.. targets];
    }

    private void AddMembers(HashSet<SocketIOTestClient> into, string ns, string room, Func<string, SocketIOTestClient?> findById)
    {
        if (_rooms.TryGetValue((ns, room), out var members)) into.UnionWith(members);
        if (findById(room) is { } socket && socket.Namespace == ns && _roomsOf.ContainsKey(socket)) into.Add(socket);
    }

    private static HashSet<SocketIOTestClient> Set<TKey>(Dictionary<TKey, HashSet<SocketIOTestClient>> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = [];
        return set;
    }

    private static void RemoveFrom<TKey>(Dictionary<TKey, HashSet<SocketIOTestClient>> map, TKey key, SocketIOTestClient socket) where TKey : notnull
    {
        if (map.TryGetValue(key, out var set) && set.Remove(socket) && set.Count == 0) map.Remove(key);
    }
}

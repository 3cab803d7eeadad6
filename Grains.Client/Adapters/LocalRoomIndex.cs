namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// One node's own view of rooms: which of its sockets are in which room of which namespace (the room half of an
/// <see cref="AdapterNode"/>). Broadcasts arrive once per node and are resolved here, so the room grains never list
/// members to the gateways. Every socket is also in the room of its own id (resolved through the node).
/// </summary>
internal sealed class LocalRoomIndex<TSocket> where TSocket : class, ILocalSocket
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<TSocket>> _namespaces = [];
    private readonly Dictionary<(string Namespace, string Room), HashSet<TSocket>> _rooms = [];
    private readonly Dictionary<TSocket, HashSet<string>> _roomsOf = [];

    /// <summary>Indexes a connected socket in its namespace, in no room yet.</summary>
    public void Add(TSocket socket)
    {
        lock (_gate)
        {
            Set(_namespaces, socket.Namespace).Add(socket);
            _roomsOf.TryAdd(socket, []);
        }
    }

    /// <summary>Puts <paramref name="socket"/> in <paramref name="rooms"/>.</summary>
    public void Join(TSocket socket, IEnumerable<string> rooms)
    {
        lock (_gate)
        {
            if (!_roomsOf.TryGetValue(socket, out var own)) _roomsOf[socket] = own = [];
            foreach (var room in rooms)
                if (own.Add(room)) Set(_rooms, (socket.Namespace, room)).Add(socket);
        }
    }

    /// <summary>Takes <paramref name="socket"/> out of <paramref name="rooms"/>.</summary>
    public void Leave(TSocket socket, IEnumerable<string> rooms)
    {
        lock (_gate)
        {
            if (!_roomsOf.TryGetValue(socket, out var own)) return;
            foreach (var room in rooms)
                if (own.Remove(room)) RemoveFrom(_rooms, (socket.Namespace, room), socket);
        }
    }

    /// <summary>Forgets a socket that disconnected: out of its namespace and every room.</summary>
    public void Remove(TSocket socket)
    {
        lock (_gate)
        {
            RemoveFrom(_namespaces, socket.Namespace, socket);
            if (!_roomsOf.Remove(socket, out var own)) return;
            foreach (var room in own) RemoveFrom(_rooms, (socket.Namespace, room), socket);
        }
    }

    /// <summary>The rooms a local socket joined (not its own id's room).</summary>
    public string[] RoomsOf(TSocket socket)
    {
        lock (_gate) return _roomsOf.TryGetValue(socket, out var own) ? [.. own] : [];
    }

    /// <summary>The namespaces this gateway has connected sockets in.</summary>
    public string[] Namespaces()
    {
        lock (_gate) return [.. _namespaces.Keys];
    }

    /// <summary>The local sockets a broadcast reaches: members of <paramref name="rooms"/> (all of the namespace when empty) minus members of <paramref name="except"/>.</summary>
    public List<TSocket> Resolve(string ns, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, Func<string, TSocket?> findById)
    {
        HashSet<TSocket> targets;
        lock (_gate)
        {
            // The usual broadcast (one room or the whole namespace, nothing excluded) is its set as it stands: copied
            // into the list, with no set built per broadcast to merge members that cannot repeat.
            if (except.Count == 0 && rooms.Count <= 1) return Members(ns, rooms.Count == 0 ? null : rooms.First(), findById);
            targets = [];
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
                var excluded = new HashSet<TSocket>();
                foreach (var room in except) AddMembers(excluded, ns, room, findById);
                targets.ExceptWith(excluded);
            }
        }
        return [.. targets];
    }

    /// <summary>Every socket of <paramref name="ns"/> (<paramref name="room"/> null), or the members of one room and the
    /// socket whose id it is.</summary>
    private List<TSocket> Members(string ns, string? room, Func<string, TSocket?> findById)
    {
        if (room is null) return _namespaces.TryGetValue(ns, out var all) ? [.. all] : [];
        List<TSocket> targets = _rooms.TryGetValue((ns, room), out var members) ? [.. members] : [];
        if (SocketNamed(ns, room, findById) is { } socket && members?.Contains(socket) != true) targets.Add(socket);
        return targets;
    }

    private void AddMembers(HashSet<TSocket> into, string ns, string room, Func<string, TSocket?> findById)
    {
        if (_rooms.TryGetValue((ns, room), out var members)) into.UnionWith(members);
        if (SocketNamed(ns, room, findById) is { } socket) into.Add(socket);
    }

    /// <summary>The indexed socket of <paramref name="ns"/> whose id is <paramref name="room"/> (every socket is in the
    /// room of its own id), or null.</summary>
    private TSocket? SocketNamed(string ns, string room, Func<string, TSocket?> findById) =>
        findById(room) is { } socket && socket.Namespace == ns && _roomsOf.ContainsKey(socket) ? socket : null;

    private static HashSet<TSocket> Set<TKey>(Dictionary<TKey, HashSet<TSocket>> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = [];
        return set;
    }

    private static void RemoveFrom<TKey>(Dictionary<TKey, HashSet<TSocket>> map, TKey key, TSocket socket) where TKey : notnull
    {
        if (map.TryGetValue(key, out var set) && set.Remove(socket) && set.Count == 0) map.Remove(key);
    }
}

using System.Text.RegularExpressions;
using Graphs;

// Usage: HeapParts BEFORE.gcdump AFTER.gcdump CONNECTIONS [TOP]
// Every object reachable from the roots is charged to a part: its own type's part when the type names one (see
// Part), else the part of its nearest owner along the breadth-first path from the roots (a String or a Lock goes to
// the Kestrel connection, session or grain that reaches it first). Prints, per part, (bytes in AFTER - bytes in
// BEFORE) / CONNECTIONS, with the TOP types of each part.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: HeapParts BEFORE.gcdump AFTER.gcdump CONNECTIONS [TOP]");
    return 2;
}
var before = PartsOf(args[0]);
var after = PartsOf(args[1]);
var connections = double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var top = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 8;

double Total(Dictionary<string, long> types) => types.Values.Sum();
var rows = after.Keys.Union(before.Keys)
    .Select(part => (part, bytes: (Total(after.GetValueOrDefault(part) ?? []) - Total(before.GetValueOrDefault(part) ?? [])) / connections))
    .OrderByDescending(r => r.bytes)
    .ToList();
Console.WriteLine($"live bytes per connection: {rows.Sum(r => r.bytes):F0}");
foreach (var (part, bytes) in rows)
{
    Console.WriteLine($"{bytes,9:F0} B  {part}");
    var a = after.GetValueOrDefault(part) ?? [];
    var b = before.GetValueOrDefault(part) ?? [];
    foreach (var (type, delta) in a.Keys.Union(b.Keys)
                 .Select(t => (t, (a.GetValueOrDefault(t) - b.GetValueOrDefault(t)) / connections))
                 .OrderByDescending(x => x.Item2).Take(top))
        Console.WriteLine($"           {delta,9:F1} B  {type}");
}
return 0;

// part -> type -> bytes, for one snapshot
static Dictionary<string, Dictionary<string, long>> PartsOf(string file)
{
    var graph = new GCHeapDump(file).MemoryGraph;
    var nodeStorage = graph.AllocNodeStorage();
    var typeStorage = graph.AllocTypeNodeStorage();
    var count = (int)graph.NodeIndexLimit;
    var parent = new int[count];
    Array.Fill(parent, -1);
    var typeIndex = new int[count];
    var size = new int[count];
    var order = new List<int>();
    var root = (int)graph.RootIndex;
    parent[root] = root;
    var queue = new Queue<int>();
    queue.Enqueue(root);
    while (queue.Count > 0)
    {
        var i = queue.Dequeue();
        order.Add(i);
        var node = graph.GetNode((NodeIndex)i, nodeStorage);
        typeIndex[i] = (int)node.TypeIndex;
        size[i] = node.Size;
        for (var c = node.GetFirstChildIndex(); c != NodeIndex.Invalid; c = node.GetNextChildIndex())
        {
            if (parent[(int)c] != -1) continue;
            parent[(int)c] = i;
            queue.Enqueue((int)c);
        }
    }
    var names = new Dictionary<int, string>();
    string NameOf(int i) => names.TryGetValue(typeIndex[i], out var n) ? n : names[typeIndex[i]] = graph.GetType((NodeTypeIndex)typeIndex[i], typeStorage).Name;

    var parts = new Dictionary<string, Dictionary<string, long>>();
    foreach (var i in order)
    {
        if (i == root) continue;
        var part = Part(NameOf(i));
        for (int a = i, hops = 0; part is null && parent[a] != a && hops < 64; hops++)
        {
            a = parent[a];
            part = Part(NameOf(a));
        }
        part ??= "other (runtime)";
        if (!parts.TryGetValue(part, out var types)) parts[part] = types = [];
        types[NameOf(i)] = types.GetValueOrDefault(NameOf(i)) + size[i];
    }
    return parts;
}

// The part a type belongs to by its own name, or null for a general-purpose type (strings, locks, collections,
// tasks, delegates) that counts for whoever owns it. An async state machine box counts for the method's type.
static string? Part(string type)
{
    var name = type;
    var method = type.IndexOf("+<", StringComparison.Ordinal);
    if ((type.StartsWith("AsyncStateMachineBox<", StringComparison.Ordinal) || type.StartsWith("StateMachineBox<", StringComparison.Ordinal)) && method > 0)
    {
        var start = Math.Max(type.LastIndexOf(',', method), type.LastIndexOf('<', method)) + 1;
        name = type[start..method];
    }
    if (name.Contains("OrleansSocket.Gateway.EngineIO", StringComparison.Ordinal)) return "Engine.IO session + WebSocket transport (OrleansSocket)";
    if (name.Contains("OrleansSocket.Gateway", StringComparison.Ordinal) || name.Contains("OrleansSocket.HandshakeInfo", StringComparison.Ordinal)) return "Socket.IO session (OrleansSocket)";
    if (name.Contains("OrleansSocket", StringComparison.Ordinal) || name.Contains("OrleansCodeGen", StringComparison.Ordinal)) return "socket grain object (OrleansSocket)";
    if (name.Contains("Orleans.", StringComparison.Ordinal)) return "Orleans activation, directory, collector";
    if (Regex.IsMatch(name, @"Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines|System\.Net\.Sockets|System\.Net\.IP")) return "Kestrel connection (socket, pipes, HTTP/1.1)";
    if (Regex.IsMatch(name, @"System\.Net\.WebSockets|Microsoft\.AspNetCore\.WebSockets")) return "ManagedWebSocket";
    if (Regex.IsMatch(name, @"Microsoft\.AspNetCore|System\.Diagnostics\.Activity|System\.Security\.Claims|Microsoft\.Extensions") || name is "Scope" or "Context" or "HostingLogScope")
        return "HTTP context (ASP.NET Core, Activity, logging scopes, DI scope)";
    return null;
}

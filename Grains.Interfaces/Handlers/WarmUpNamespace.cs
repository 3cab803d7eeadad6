namespace OrleansSocket;

/// <summary>
/// The namespace a gateway's start-up warm-up (<c>SocketIO:WarmUp</c>) runs its loopback connections in. Its handlers
/// are the library's own (an echo, and the handling process's count of JIT-compiled methods), never the application's:
/// the warm-up runs the connect and event paths with no side effect. Gateways admit only their own warm-up to it.
/// </summary>
internal static class WarmUpNamespace
{
    /// <summary>The namespace's name; applications cannot register handlers for it.</summary>
    public const string Name = "/orleanssocket-warm-up";

    /// <summary>Echoes its string argument through the JSON binding most handlers use.</summary>
    public const string Echo = "echo";

    /// <summary>Echoes its arguments as a payload (the copy-through binding).</summary>
    public const string EchoPayload = "echo_payload";

    /// <summary>Echoes its string argument from a handler that takes its socket: run on the socket grain's turn, where the
    /// other two run off it (a handler that needs nothing of its socket runs where the event arrived).</summary>
    public const string EchoOnTurn = "echo_on_turn";

    /// <summary>Answers <c>"ProcessKey count"</c>: the handling process's JIT-compiled methods so far.</summary>
    public const string Compiled = "compiled";

    /// <summary>Names this process among the gateway and the silos whose compiled methods the warm-up follows.</summary>
    public static string ProcessKey { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>The handling process's answer to <see cref="Compiled"/>.</summary>
    public static string CompiledAnswer() => $"{ProcessKey} {System.Runtime.JitInfo.GetCompiledMethodCount()}";
}

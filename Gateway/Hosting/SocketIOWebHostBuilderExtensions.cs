namespace Microsoft.AspNetCore.Hosting;

/// <summary>Sets up the web host of a Socket.IO gateway.</summary>
public static class SocketIOWebHostBuilderExtensions
{
    /// <summary>
    /// The runtime's switch that runs socket completions on its socket engine threads (one per core when set) instead
    /// of handing each one to the thread pool: <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>, "1" to set it.
    /// </summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs each connection's I/O and this gateway's work on its packets on one socket engine thread per core, without
    /// a thread-pool hand-off per receive and per send: sets <see cref="InlineCompletionsVariable"/> to "1" for this
    /// process unless its environment sets it, and, when it is "1", Kestrel's
    /// <c>SocketTransportOptions.UnsafePreferInlineScheduling</c>. An environment that sets the variable to "0" turns
    /// both off. Typically <c>builder.WebHost.UseSocketIOInlineIO()</c> right after <c>WebApplication.CreateBuilder</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The runtime reads the variable once, when the process first uses a socket: call this while building the host,
    /// before anything in the process has opened one (otherwise only Kestrel's half applies, which alone costs more
    /// than neither). Measured in docs/performance.md ("Inline I/O on the gateway").
    /// </para>
    /// <para>
    /// The ASP.NET Core pipeline of a connection (middleware, authentication handlers, health checks), this gateway's
    /// session code and the continuations of its Orleans client then run on the socket engine threads: nothing there
    /// may block. Socket.IO handlers run in grains, on Orleans' scheduler, not there. Meant for gateway processes
    /// (embedded, co-hosted, thin); a silo without a gateway should not set the variable: there the silo's own
    /// connections ran inline and delayed its stream deliveries by hundreds of milliseconds.
    /// </para>
    /// </remarks>
    /// <param name="builder">The web host's builder.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IWebHostBuilder UseSocketIOInlineIO(this IWebHostBuilder builder) =>
        UseSocketIOInlineIO(builder, Environment.GetEnvironmentVariable, value => Environment.SetEnvironmentVariable(InlineCompletionsVariable, value));

    /// <summary><see cref="UseSocketIOInlineIO(IWebHostBuilder)"/> on a given environment (tests).</summary>
    internal static IWebHostBuilder UseSocketIOInlineIO(IWebHostBuilder builder, Func<string, string?> read, Action<string> setVariable)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = read(InlineCompletionsVariable);
        if (value is null) setVariable(value = "1");
        if (value == "1")
            builder.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        return builder;
    }
}

namespace OrleansSocket.DemoApp;

/// <summary>The handler sets the gateway and silo can run, chosen with <c>--profile</c>.</summary>
public static class Profiles
{
    /// <summary>The profile the official protocol suites and the end-to-end client tests run against.</summary>
    public const string Protocol = "protocol";

    /// <summary>The profile of the server API end-to-end tests (<see cref="ApiHandlers"/>).</summary>
    public const string Api = "api";

    /// <summary>The benchmark harness's event contract (<see cref="BenchHandlers"/>).</summary>
    public const string Bench = "bench";

    public static void Configure(ISocketIOBuilder io, string? profile)
    {
        switch (profile)
        {
            case null or "":
                DemoHandlers.Register(io);
                ChatHandlers.Register(io);
                break;
            case Protocol:
                ProtocolHandlers.Register(io);
                break;
            case ClusterHandlers.Profile:
                ClusterHandlers.Register(io);
                break;
            case Api:
                ApiHandlers.Register(io);
                break;
            case Bench:
                BenchHandlers.Register(io);
                break;
            default:
                throw new ArgumentException($"Unknown profile '{profile}'. Known: (none), {Protocol}, {Api}, {Bench}, {ClusterHandlers.Profile}.", nameof(profile));
        }
    }
}

namespace OrleansSocket.TestHosts;

/// <summary>
/// The handler sets of the test and bench hosts (Tests/Hosts/TestGateway, Tests/Hosts/TestSilo), chosen with
/// <c>--profile P</c> (or the <c>profile</c> configuration key). The demo is not one of them: it is what the
/// repository's own hosts (Gateway/Host, Silo) run.
/// </summary>
public static class Profiles
{
    /// <summary>The profile the official protocol suites and the end-to-end client tests run against.</summary>
    public const string Protocol = "protocol";

    /// <summary>The profile of the server API end-to-end tests (<see cref="ApiHandlers"/>).</summary>
    public const string Api = "api";

    /// <summary>The benchmark harness's event contract (<see cref="BenchHandlers"/>).</summary>
    public const string Bench = "bench";

    /// <summary>The multi-process cluster tests (<see cref="ClusterHandlers"/>).</summary>
    public const string Cluster = ClusterHandlers.Profile;

    /// <summary>Authentication and authorization with a JWT bearer scheme (<see cref="AuthHandlers"/>).</summary>
    public const string Auth = AuthHandlers.Profile;

    /// <summary>The known profiles, for messages.</summary>
    public static readonly string Known = string.Join(", ", Protocol, Api, Bench, Cluster, Auth);

    /// <summary>The profile the configuration names; throws when it names none or an unknown one.</summary>
    public static string Require(string? profile) => profile switch
    {
        Protocol or Api or Bench or Cluster or Auth => profile,
        null or "" => throw new ArgumentException($"A test host needs --profile P (one of: {Known}). The demo is `dotnet run --project Gateway/Host`.", nameof(profile)),
        _ => throw new ArgumentException($"Unknown profile '{profile}'. Known: {Known}.", nameof(profile)),
    };

    /// <summary>Registers the handlers of <paramref name="profile"/> (one of <see cref="Known"/>).</summary>
    public static void Configure(ISocketIOBuilder io, string profile)
    {
        switch (Require(profile))
        {
            case Protocol:
                ProtocolHandlers.Register(io);
                break;
            case Cluster:
                ClusterHandlers.Register(io);
                break;
            case Api:
                ApiHandlers.Register(io);
                break;
            case Bench:
                BenchHandlers.Register(io);
                break;
            case Auth:
                AuthHandlers.Register(io);
                break;
        }
    }
}

using System.Runtime.CompilerServices;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>Where the end-to-end harness lives and what it needs; fails loudly when something is missing.</summary>
internal static class E2eEnvironment
{
    private const string RunTestSh = "run ./test.sh (it installs the Debian packages, runs npm ci in Tests/clients and builds the solution)";

    /// <summary>The repository root (the directory holding OrleansSocket.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Tests/clients: the Node/Python client scripts and their node_modules.</summary>
    public static string ClientsDir => Path.Combine(RepoRoot, "Tests", "clients");

    /// <summary>Tests/protocol-suites: the protocol conformance suites (mocha).</summary>
    public static string SuitesDir => Path.Combine(RepoRoot, "Tests", "protocol-suites");

    /// <summary>The demo gateway's project directory (Gateway/Host): its content root, where wwwroot is.</summary>
    public static string GatewayDir => Path.Combine(RepoRoot, "Gateway", "Host");

    /// <summary>The demo gateway as built by <c>dotnet build OrleansSocket.sln -c Release</c>.</summary>
    public static string GatewayDll => Path.Combine(GatewayDir, "bin", "Release", "net10.0", "OrleansSocket.Gateway.Host.dll");

    /// <summary>The test gateway's project directory (Tests/Hosts/TestGateway): its content root, where the
    /// profiles' appsettings.P.json are.</summary>
    public static string TestGatewayDir => Path.Combine(RepoRoot, "Tests", "Hosts", "TestGateway");

    /// <summary>The test gateway (<c>--profile protocol|api|bench|cluster</c>) as built by <c>dotnet build OrleansSocket.sln -c Release</c>.</summary>
    public static string TestGatewayDll => Path.Combine(TestGatewayDir, "bin", "Release", "net10.0", "OrleansSocket.TestGateway.dll");

    /// <summary>The test silo's project directory (Tests/Hosts/TestSilo).</summary>
    public static string TestSiloDir => Path.Combine(RepoRoot, "Tests", "Hosts", "TestSilo");

    /// <summary>The test silo (<c>--profile protocol|api|bench|cluster</c>) as built by <c>dotnet build OrleansSocket.sln -c Release</c>.</summary>
    public static string TestSiloDll => Path.Combine(TestSiloDir, "bin", "Release", "net10.0", "OrleansSocket.TestSilo.dll");

    /// <summary>Where screenshots and other artifacts go (OS_E2E_ARTIFACTS_DIR, default: the test output dir).</summary>
    public static string ArtifactsDir =>
        Environment.GetEnvironmentVariable("OS_E2E_ARTIFACTS_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(AppContext.BaseDirectory, "e2e-artifacts");

    public const string PythonPath = "/usr/bin/python3";

    /// <summary>A loopback port free now (the OS's choice), for a server a test starts.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Fails the test unless Tests/clients/node_modules holds the packages of package.json.</summary>
    public static void RequireNodeModules()
    {
        var modules = Path.Combine(ClientsDir, "node_modules");
        string[] required = ["socket.io-client", "socket.io-client-v3", "socket.io-client-v2", "mocha", "chai", "ws"];
        var missing = required.Where(p => !File.Exists(Path.Combine(modules, p, "package.json"))).ToArray();
        if (missing.Length > 0)
        {
            Assert.Fail($"Node packages missing in {modules} ({string.Join(", ", missing)}): {RunTestSh}.");
        }

        RequireOnPath("node");
    }

    public static void RequirePython()
    {
        if (!File.Exists(PythonPath))
        {
            Assert.Fail($"{PythonPath} not found: {RunTestSh}.");
        }
    }

    public static void RequireOnPath(string program)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
        if (!found)
        {
            Assert.Fail($"'{program}' is not on PATH: {RunTestSh}.");
        }
    }

    private static string FindRepoRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansSocket.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"OrleansSocket.sln not found above {AppContext.BaseDirectory}");
    }
}

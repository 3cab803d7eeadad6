namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The Kubernetes example (deploy/kubernetes) against the Kubernetes API's schemas (npm kubernetes-models, through
/// Tests/clients/validate-manifests.mjs, strict: a field no schema declares is an error), and its probes on the
/// health endpoints. The images cannot be built here
/// (docs/deployment.md); the manifests are checked as text.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static string ManifestDir => Path.Combine(E2eEnvironment.RepoRoot, "deploy", "kubernetes");

    private static Task<ProcessResult> ValidateAsync(params string[] files)
    {
        E2eEnvironment.RequireNodeModules();
        return ExternalProcess.RunAsync("node", ["validate-manifests.mjs", .. files], E2eEnvironment.ClientsDir, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TheManifestsMatchTheKubernetesSchemas()
    {
        var files = Directory.GetFiles(ManifestDir, "*.yaml").Order().ToArray();
        Assert.Equal(["gateway.yaml", "rbac.yaml", "redis.yaml", "silo.yaml"], files.Select(Path.GetFileName));
        var result = await ValidateAsync(files);
        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains("8 documents, 0 invalid", result.Output);
    }

    [Fact]
    public async Task TheValidatorRejectsAWrongType()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"gateway-broken-{Guid.NewGuid():N}.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(ManifestDir, "gateway.yaml"));
        Assert.Contains("containerPort: 8080", text);
        await File.WriteAllTextAsync(broken, text.Replace("containerPort: 8080", "containerPort: http"));
        try
        {
            var result = await ValidateAsync(broken);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("containers/0/ports/0/containerPort must be integer", result.Output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    /// <summary>A typo'd field, which Kubernetes would drop (or refuse with strict validation), at three depths.</summary>
    [Fact]
    public async Task TheValidatorRejectsAnUnknownField()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"gateway-typo-{Guid.NewGuid():N}.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(ManifestDir, "gateway.yaml"));
        string[] fields = ["\n  replicas: 2\n", "\n      labels: { app: orleanssocket-gateway }\n", "\n            periodSeconds: 5\n"];
        foreach (var field in fields) Assert.Contains(field, text);
        text = text.Replace(fields[0], "\n  replica: 2\n").Replace(fields[1], "\n      lables: { app: orleanssocket-gateway }\n")
            .Replace(fields[2], "\n            periodSecond: 5\n");
        await File.WriteAllTextAsync(broken, text);
        try
        {
            var result = await ValidateAsync(broken);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("Deployment orleanssocket-gateway: /spec/replica is not a field of the schema", result.Output);
            Assert.Contains("Deployment orleanssocket-gateway: /spec/template/metadata/lables is not a field of the schema", result.Output);
            Assert.Contains("/spec/template/spec/containers/0/readinessProbe/periodSecond is not a field of the schema", result.Output);
            Assert.Contains("2 documents, 1 invalid", result.Output); // the Service, untouched, is valid
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task GatewaysAndSilosAreProbedOnTheHealthEndpoints()
    {
        foreach (var name in new[] { "gateway.yaml", "silo.yaml" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(ManifestDir, name));
            Assert.Contains("readinessProbe:\n            httpGet: { path: /health/ready, port: 8080 }", text);
            Assert.Contains("livenessProbe:\n            httpGet: { path: /health/live, port: 8080 }", text);
            Assert.DoesNotContain("sessionAffinity", text);
        }
    }
}

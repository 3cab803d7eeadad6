using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Hosting;

/// <summary>A forgotten setup call fails when the endpoint is mapped, naming the call to add.</summary>
public sealed class SetupErrorTests
{
    [Fact]
    public async Task MapSocketIO_without_AddSocketIO_names_AddSocketIO()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("builder.Services.AddSocketIO()", error.Message);
    }

    [Fact]
    public async Task MapSocketIO_without_Orleans_names_AddOrleansSocketCluster()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSocketIO();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("builder.AddOrleansSocketCluster(", error.Message);
    }
}

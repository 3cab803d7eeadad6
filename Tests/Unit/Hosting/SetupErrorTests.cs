using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Tests.Hosting;

/// <summary>A forgotten or misplaced setup call fails at start, naming the call to add.</summary>
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
    public async Task MapSocketIO_without_Orleans_names_both_Orleans_calls()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSocketIO();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("builder.UseOrleans(silo => silo.AddSocketIOGrains())", error.Message);
        Assert.Contains("builder.UseOrleansClient(client => client.AddSocketIOClient())", error.Message);
    }

    [Fact]
    public async Task MapSocketIO_with_a_silo_without_the_grains_names_AddSocketIOGrains()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSocketIO();
        builder.UseOrleans(silo => silo.UseLocalhostClustering());
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("silo.AddSocketIOGrains()", error.Message);
    }

    [Fact]
    public async Task MapSocketIO_with_a_bare_Orleans_client_names_AddSocketIOClient()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSocketIO();
        builder.UseOrleansClient(client => client.UseLocalhostClustering());
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());
        Assert.Contains("client.AddSocketIOClient()", error.Message);
    }

    [Fact]
    public async Task Handlers_in_a_process_that_is_only_an_Orleans_client_fail_at_start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSocketIO().AddHandlers(io => io.On("ping", () => "pong"));
        builder.UseOrleansClient(client => client.AddSocketIOClient());
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("handlers run where the grains run", error.Message);
        Assert.Contains("silo.AddSocketIOGrains().AddHandlers(", error.Message);
    }
}

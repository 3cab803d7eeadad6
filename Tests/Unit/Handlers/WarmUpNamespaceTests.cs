using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// The warm-up's namespace in the registry: the library's own handlers, with nothing of the application's in front of
/// them, so a gateway's start-up warm-up runs the connect and event paths without running application code.
/// </summary>
public sealed class WarmUpNamespaceTests
{
    [Fact]
    public async Task It_exists_and_runs_its_own_handlers_past_the_applications_wildcard_ones()
    {
        var app = new List<string>();
        var host = TestHost.Create(io => io
            .Use((socket, next) => { app.Add("middleware"); return Task.CompletedTask; }, "*") // never calls next: refuses
            .UsePacket((socket, name, args, next) => { app.Add("packet middleware"); return Task.CompletedTask; }, "*")
            .OnConnect(() => { app.Add("connect"); return false; }, "*")
            .OnDisconnect(() => app.Add("disconnect"), "*")
            .OnAny((socket, name, args) => { app.Add("catch-all " + name); return Task.CompletedTask; }, "*"));
        var socket = new FakeSocket(WarmUpNamespace.Name);

        Assert.True(host.Registry.HasNamespace(WarmUpNamespace.Name));
        Assert.True((await host.Registry.Connect(socket, host.Services)).Accepted);
        Assert.Equal("""["warm-up 0"]""", TestHost.Json(await host.DispatchRaw(socket, WarmUpNamespace.Echo, """["warm-up 0"]""")));
        Assert.Equal("""["warm-up 1"]""", TestHost.Json(await host.DispatchRaw(socket, WarmUpNamespace.EchoPayload, """["warm-up 1"]""")));
        Assert.Equal("""["warm-up 2"]""", TestHost.Json(await host.DispatchRaw(socket, WarmUpNamespace.EchoOnTurn, """["warm-up 2"]""")));
        await host.Registry.Disconnect(socket, "client namespace disconnect", host.Services);

        Assert.Empty(app);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void Its_events_run_both_off_the_grains_turn_and_on_it()
    {
        var host = TestHost.Create(io => io.On("e", () => 1));

        Assert.NotNull(host.Registry.DetachedHandler(WarmUpNamespace.Name, WarmUpNamespace.Echo));
        Assert.NotNull(host.Registry.DetachedHandler(WarmUpNamespace.Name, WarmUpNamespace.EchoPayload));
        Assert.Null(host.Registry.DetachedHandler(WarmUpNamespace.Name, WarmUpNamespace.EchoOnTurn));
    }

    [Fact]
    public async Task Compiled_answers_this_process_and_its_compiled_methods()
    {
        var host = TestHost.Create(io => io.On("e", () => 1));
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();

        var answer = JsonSerializer.Deserialize<string[]>(TestHost.Json(await host.DispatchRaw(new FakeSocket(WarmUpNamespace.Name), WarmUpNamespace.Compiled, "[]")));

        var parts = Assert.Single(answer!).Split(' ');
        Assert.Equal(WarmUpNamespace.ProcessKey, parts[0]);
        Assert.InRange(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), before, long.MaxValue);
    }

    [Fact]
    public void Applications_cannot_register_it()
    {
        Assert.Throws<ArgumentException>(() => TestHost.Create(io => io.On("echo", () => 1, ns: WarmUpNamespace.Name)));
        Assert.Throws<ArgumentException>(() => TestHost.Create(io => io.Use((s, next) => next(), WarmUpNamespace.Name[1..])));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Handlers;

/// <summary>What the scoped services of these tests went through, in order.</summary>
public sealed class ScopeLog
{
    public List<ScopedProbe> Created { get; } = [];
    public List<ScopedProbe> Disposed { get; } = [];
}

/// <summary>A scoped service (a DbContext stands for it in an application): one per handler invocation.</summary>
public sealed class ScopedProbe : IAsyncDisposable
{
    private readonly ScopeLog _log;

    public ScopedProbe(ScopeLog log)
    {
        _log = log;
        log.Created.Add(this);
    }

    public bool IsDisposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        _log.Disposed.Add(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A singleton service resolved in a delegate handler without an attribute (it is registered).</summary>
public sealed class Greeter
{
    public string Greet(string name) => "hello " + name;
}

/// <summary>Registered nowhere: a parameter of this type is the client's argument.</summary>
public sealed record Point(int X, int Y);

/// <summary>A handler class with a scoped dependency; records each instance and the probe it got.</summary>
public sealed class ProbeHandlers(ScopedProbe probe, List<(ProbeHandlers Handler, ScopedProbe Probe)> seen) : SocketIOHandler
{
    [OnConnect]
    public void Connect() => seen.Add((this, probe));

    [On("work")]
    public string Work(IServiceProvider services)
    {
        seen.Add((this, probe));
        // The IServiceProvider parameter is the invocation's scope: the same scoped instance as the constructor's.
        return ReferenceEquals(services.GetRequiredService<ScopedProbe>(), probe) ? "same scope" : "other scope";
    }

    [On("fail")]
    public void Fail() => throw new InvalidOperationException("handler failed");

    [OnDisconnect]
    public void Disconnect(string reason) => seen.Add((this, probe));
}

/// <summary>One DI scope per handler invocation, as ASP.NET Core makes one per request; delegate handlers take services.</summary>
public class ScopePerInvocationTests
{
    private static (TestHost Host, ScopeLog Log, List<(ProbeHandlers Handler, ScopedProbe Probe)> Seen) CreateProbeHost()
    {
        var log = new ScopeLog();
        var seen = new List<(ProbeHandlers, ScopedProbe)>();
        var host = TestHost.Create(io => io.AddHandlers<ProbeHandlers>(),
            s => s.AddSingleton(log).AddSingleton(seen).AddScoped<ScopedProbe>());
        return (host, log, seen);
    }

    [Fact]
    public async Task Connect_two_events_and_disconnect_run_in_four_scopes_all_disposed()
    {
        var (host, log, seen) = CreateProbeHost();
        var socket = new FakeSocket();

        Assert.True((await host.Registry.Connect(socket, host.Services)).Accepted);
        Assert.Equal("\"same scope\"", TestHost.Json(await host.Dispatch(socket, "work")).Trim('[', ']'));
        Assert.Equal("\"same scope\"", TestHost.Json(await host.Dispatch(socket, "work")).Trim('[', ']'));
        await host.Registry.Disconnect(socket, "client namespace disconnect", host.Services);

        Assert.Empty(host.Errors);
        Assert.Equal(4, log.Created.Count);
        Assert.Equal(4, log.Created.Distinct().Count());
        Assert.Equal(log.Created, log.Disposed); // each disposed, in the order the invocations ran
        Assert.Equal(log.Created, seen.Select(s => s.Probe));
        Assert.Equal(4, seen.Select(s => s.Handler).Distinct().Count()); // a handler class instance per invocation
    }

    [Fact]
    public async Task Scope_of_a_handler_that_throws_is_disposed()
    {
        var (host, log, _) = CreateProbeHost();

        var ack = await host.Dispatch(new FakeSocket(), "fail");

        Assert.Null(ack);
        Assert.IsType<InvalidOperationException>(Assert.Single(host.Errors).Error);
        var probe = Assert.Single(log.Created);
        Assert.True(probe.IsDisposed);
    }

    [Fact]
    public async Task Scope_of_a_handler_whose_arguments_do_not_bind_is_disposed()
    {
        var log = new ScopeLog();
        var host = TestHost.Create(io => io.On("e", (ScopedProbe probe, int n) => n),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>());

        await host.DispatchRaw(new FakeSocket(), "e", """["not a number"]""");

        Assert.IsType<SocketIOBindingException>(Assert.Single(host.Errors).Error);
        Assert.Equal(log.Created, log.Disposed);
    }

    [Fact]
    public async Task Scope_of_an_async_handler_ends_when_its_task_completes()
    {
        var log = new ScopeLog();
        var release = new TaskCompletionSource();
        ScopedProbe? used = null;
        var host = TestHost.Create(io => io.On("slow", async (ScopedProbe probe) =>
            {
                used = probe;
                await release.Task;
                return probe.IsDisposed ? "disposed too early" : "alive";
            }),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>());

        var dispatched = host.Dispatch(new FakeSocket(), "slow");

        Assert.False(dispatched.IsCompleted);
        Assert.False(used!.IsDisposed); // the handler is still running: its scope is too
        release.SetResult();
        Assert.Equal("""["alive"]""", TestHost.Json(await dispatched));
        Assert.True(used.IsDisposed);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task Async_handler_that_throws_after_an_await_has_its_scope_disposed()
    {
        var log = new ScopeLog();
        var host = TestHost.Create(io => io.On("boom", async (ScopedProbe probe) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("late failure");
            }),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>());

        await host.Dispatch(new FakeSocket(), "boom");

        Assert.Equal("late failure", Assert.Single(host.Errors).Error.Message);
        Assert.True(Assert.Single(log.Disposed).IsDisposed);
    }

    [Fact]
    public async Task Service_that_disposes_asynchronously_is_awaited_before_the_answer()
    {
        var disposed = new TaskCompletionSource();
        var host = TestHost.Create(io => io.On("e", (SlowDisposal slow, int n) => n + 1),
            s => s.AddSingleton(disposed).AddScoped<SlowDisposal>());

        var ack = host.DispatchRaw(new FakeSocket(), "e", "[41]");

        Assert.False(ack.IsCompleted); // the handler is done, its service's DisposeAsync is not yet
        disposed.SetResult();
        Assert.Equal("[42]", TestHost.Json(await ack));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void Synchronous_handler_with_a_scope_may_wait_for_its_disposal()
    {
        // The socket grain tracks the socket's operations only for a dispatch that may still run when it returns.
        var host = TestHost.Create(io => io
                .On("service", (Greeter greeter, string name) => greeter.Greet(name))
                .On("plain", (string name) => name),
            s => s.AddSingleton<Greeter>());

        Assert.True(host.Registry.Handling(new FakeSocket(), "service").MayWait);
        Assert.False(host.Registry.Handling(new FakeSocket(), "plain").MayWait);
    }

    /// <summary>A scoped service whose disposal waits for the test.</summary>
    public sealed class SlowDisposal(TaskCompletionSource release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release.Task;
    }

    [Fact]
    public async Task Delegate_takes_a_registered_service_by_type_and_the_rest_from_the_client()
    {
        var host = TestHost.Create(io => io.On("greet", (Greeter greeter, string name) => greeter.Greet(name)),
            s => s.AddSingleton<Greeter>());

        var ack = await host.DispatchRaw(new FakeSocket(), "greet", """["bob"]""");

        Assert.Empty(host.Errors);
        Assert.Equal("""["hello bob"]""", TestHost.Json(ack));
    }

    [Fact]
    public async Task Parameter_of_an_unregistered_type_is_still_the_clients_argument()
    {
        var host = TestHost.Create(io => io.On("move", (ISocket socket, Point to) => to.X + to.Y), s => s.AddSingleton<Greeter>());

        var ack = await host.DispatchRaw(new FakeSocket(), "move", """[{"x":2,"y":3}]""");

        Assert.Empty(host.Errors);
        Assert.Equal("[5]", TestHost.Json(ack));
    }

    [Fact]
    public async Task Registered_service_parameter_takes_no_client_argument()
    {
        // The handler takes one client argument: a second one is refused, as for any handler.
        var host = TestHost.Create(io => io.On("greet", (Greeter greeter, string name) => greeter.Greet(name)),
            s => s.AddSingleton<Greeter>());

        await host.DispatchRaw(new FakeSocket(), "greet", """["bob", "extra"]""");

        Assert.IsType<SocketIOBindingException>(Assert.Single(host.Errors).Error);
    }

    [Fact]
    public async Task FromServices_parameter_is_resolved_from_the_invocations_scope()
    {
        var log = new ScopeLog();
        var host = TestHost.Create(io => io.On("e", ([FromServices] ScopedProbe probe, IServiceProvider services, string text) =>
                ReferenceEquals(services.GetRequiredService<ScopedProbe>(), probe) ? text : "other scope"),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>());

        var ack = await host.DispatchRaw(new FakeSocket(), "e", """["same"]""");

        Assert.Empty(host.Errors);
        Assert.Equal("""["same"]""", TestHost.Json(ack));
        Assert.True(Assert.Single(log.Created).IsDisposed);
    }

    [Fact]
    public async Task FromServices_for_a_service_not_registered_fails_as_the_handler_not_the_client()
    {
        var host = TestHost.Create(io => io.On("e", ([FromServices] Greeter greeter) => greeter.Greet("x")));

        var ack = await host.Dispatch(new FakeSocket(), "e");

        Assert.Null(ack);
        Assert.IsType<InvalidOperationException>(Assert.Single(host.Errors).Error);
    }

    [Fact]
    public async Task Nullable_FromServices_parameter_gets_null_when_nothing_is_registered()
    {
        var host = TestHost.Create(io => io.On("e", ([FromServices] Greeter? greeter) => greeter is null ? "none" : "some"));

        Assert.Equal("""["none"]""", TestHost.Json(await host.Dispatch(new FakeSocket(), "e")));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task FromKeyedServices_parameter_gets_the_keyed_service()
    {
        var host = TestHost.Create(io => io.On("e", ([FromKeyedServices("formal")] Greeter greeter, string name) => greeter.Greet(name)),
            s => s.AddKeyedSingleton("formal", new Greeter()));

        Assert.Equal("""["hello ann"]""", TestHost.Json(await host.DispatchRaw(new FakeSocket(), "e", """["ann"]""")));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void FromKeyedServices_without_a_key_to_inherit_is_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TestHost.Create(io => io.On("e", ([FromKeyedServices] Greeter greeter) => greeter.Greet("x"))));

        Assert.Contains("[FromKeyedServices]", error.Message);
    }

    [Fact]
    public async Task Collections_and_strings_are_never_taken_for_services()
    {
        // The container says yes to any IEnumerable<T>; a client's list is still the client's.
        var host = TestHost.Create(io => io.On("sum", (IEnumerable<int> numbers, string label) => label + numbers.Sum()),
            s => s.AddSingleton<Greeter>());

        Assert.Equal("""["total 6"]""", TestHost.Json(await host.DispatchRaw(new FakeSocket(), "sum", """[[1,2,3],"total "]""")));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task Upgrade_handler_runs_in_a_scope_of_its_own()
    {
        var log = new ScopeLog();
        var host = TestHost.Create(io => io.OnUpgrade((ScopedProbe probe, string transport) => { }),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>());
        var socket = new FakeSocket();

        await host.Registry.Upgrade(socket, "websocket", host.Services);
        await host.Registry.Upgrade(socket, "websocket", host.Services);

        Assert.Equal(2, log.Created.Distinct().Count());
        Assert.Equal(log.Created, log.Disposed);
    }

    [Fact]
    public async Task Handlers_that_read_nothing_from_DI_get_no_scope()
    {
        var log = new ScopeLog();
        var host = TestHost.Create(io => io
                .On("plain", (ISocket socket, string text, CancellationToken ct) => text)
                .On("scoped", (ScopedProbe probe) => "scoped")
                .AddHandlers<GreetingHandlers>(),
            s => s.AddSingleton(log).AddScoped<ScopedProbe>().AddSingleton(new Counter()));
        var services = new CountingScopes(host.Services);

        await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("plain", "x"), services);
        await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("static_add", 1, 2), services); // static method of a class
        Assert.Equal(0, services.Scopes);

        await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("scoped"), services);
        await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("greet", "ann"), services); // constructor dependency
        Assert.Equal(2, services.Scopes);
        Assert.Empty(host.Errors);
    }

    /// <summary>The host's provider, counting the scopes made through it.</summary>
    private sealed class CountingScopes(IServiceProvider inner) : IServiceProvider, IServiceScopeFactory
    {
        public int Scopes { get; private set; }

        public object? GetService(Type serviceType) =>
            serviceType == typeof(IServiceScopeFactory) ? this : inner.GetService(serviceType);

        public IServiceScope CreateScope()
        {
            Scopes++;
            return inner.GetRequiredService<IServiceScopeFactory>().CreateScope();
        }
    }
}

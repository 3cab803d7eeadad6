using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Handlers;

/// <summary>[Authorize] / [AllowAnonymous] on delegate handlers, checked with the services' IAuthorizationService.</summary>
public sealed class HandlerAuthorizationTests
{
    private static TestHost Host(Action<ISocketIOBuilder> configure, bool authorization = true) =>
        TestHost.Create(configure, authorization ? services => services.AddLogging().AddAuthorizationCore() : null);

    [Fact]
    public async Task Authorize_connect_handler_refuses_an_anonymous_socket_with_401_data()
    {
        var called = false;
        var host = Host(io => io.OnConnect([Authorize] (ISocket s) => called = true));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.False(result.Accepted);
        Assert.Equal(SocketIOAuthorizationException.UnauthorizedMessage, result.ErrorMessage);
        Assert.Equal("""{"status":401}""", Encoding.UTF8.GetString(result.ErrorDataJson!));
        Assert.False(called);
    }

    [Fact]
    public async Task Authorize_event_goes_to_the_error_handler_and_the_handler_is_not_called()
    {
        var calls = 0;
        var host = Host(io => io
            .On("guarded", [Authorize] (ISocket s, int n) => calls += n)
            .On("open", [AllowAnonymous] (int n) => calls += n));

        Assert.Equal("<no ack>", TestHost.Json(await host.Dispatch(new FakeSocket(), "guarded", 1)));
        Assert.Equal("[2]", TestHost.Json(await host.Dispatch(new FakeSocket(), "open", 2)));

        Assert.Equal(2, calls);
        var (_, error, eventName) = Assert.Single(host.Errors);
        Assert.Equal("guarded", eventName);
        Assert.Equal(401, Assert.IsType<SocketIOAuthorizationException>(error).StatusCode);
    }

    [Fact]
    public async Task Refusal_comes_before_binding_the_arguments()
    {
        var host = Host(io => io.On("guarded", [Authorize] (int n) => n));

        await host.Dispatch(new FakeSocket(), "guarded", "not a number");

        Assert.IsType<SocketIOAuthorizationException>(Assert.Single(host.Errors).Error);
    }

    [Fact]
    public async Task Without_authorization_services_an_Authorize_handler_fails_with_what_to_add()
    {
        var host = Host(io => io.On("guarded", [Authorize] () => 1), authorization: false);

        await host.Dispatch(new FakeSocket(), "guarded");

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(host.Errors).Error);
        Assert.Contains("AddAuthorization", error.Message);
    }
}

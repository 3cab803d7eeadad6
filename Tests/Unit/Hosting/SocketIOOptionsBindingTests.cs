using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Tests.Hosting;

/// <summary><c>AddSocketIO()</c> binds the <c>SocketIO</c> section; a configured array replaces its default.</summary>
public sealed class SocketIOOptionsBindingTests
{
    private static SocketIOOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSocketIO();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SocketIOOptions>>().Value;
    }

    [Fact]
    public void Configured_transports_replace_the_default_pair()
    {
        var options = Bind(("SocketIO:Engine:Transports:0", "websocket"));
        Assert.Equal(["websocket"], options.Engine.Transports);
    }

    [Fact]
    public void Configured_origins_replace_the_default()
    {
        var options = Bind(("SocketIO:Engine:Cors:AllowedOrigins:0", "https://app.example"));
        Assert.Equal(["https://app.example"], options.Engine.Cors.AllowedOrigins);
    }

    [Fact]
    public void Without_configuration_the_defaults_stay()
    {
        var options = Bind(("SocketIO:Engine:PingInterval", "1000"));
        Assert.Equal(["polling", "websocket"], options.Engine.Transports);
        Assert.Equal(1000, options.Engine.PingInterval);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansSocket.Grains.Admin;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Admin;

public sealed class AddAdminUITests
{
    [Fact]
    public async Task A_host_without_a_chosen_authentication_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder();
        new SocketIOServerBuilder(builder.Services).AddAdminUI();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("SocketIO:AdminUI:Authentication must be Basic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Called_on_both_builders_of_one_process_it_registers_once_and_keeps_every_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        AdminUISiloRegistration.Register(services); // as AddSocketIOGrains does: the grains run here
        new SocketIOServerBuilder(services).AddAdminUI(o => o.Authentication = AdminUIAuthentication.None);
        new SocketIOServerBuilder(services).AddAdminUI(o => o.ReadOnly = true);

        Assert.Single(services, s => s.ServiceType == typeof(SocketIOHandlerContribution));
        Assert.Single(services, s => s.ServiceType == typeof(AdminSessions));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AdminUIOptions>>().Value;
        Assert.Equal((AdminUIAuthentication.None, true), (options.Authentication, options.ReadOnly));
    }

    [Fact]
    public void Called_before_the_grains_are_added_the_admin_namespace_comes_with_them()
    {
        var services = new ServiceCollection();
        new SocketIOServerBuilder(services).AddAdminUI();
        Assert.DoesNotContain(services, s => s.ServiceType == typeof(AdminSessions));

        AdminUISiloRegistration.Register(services);
        AdminUISiloRegistration.Register(services);

        Assert.Single(services, s => s.ServiceType == typeof(SocketIOHandlerContribution));
        Assert.Single(services, s => s.ServiceType == typeof(AdminSessions));
    }

    [Fact]
    public void In_a_process_without_grains_it_adds_the_gateway_stats_and_activity_and_not_the_admin_namespace()
    {
        var services = new ServiceCollection();
        new SocketIOServerBuilder(services).AddAdminUI();

        Assert.Single(services, s => !s.IsKeyedService && s.ImplementationType == typeof(AdminStatsPublisher));
        // the gateway reports the events its broadcasts write (event_sent)
        Assert.Single(services, s => s.ServiceType == typeof(OrleansSocket.Grains.Sockets.ISocketActivity));
        Assert.DoesNotContain(services, s => s.ServiceType == typeof(SocketIOHandlerContribution));
        Assert.DoesNotContain(services, s => s.ServiceType == typeof(AdminSessions));
    }
}

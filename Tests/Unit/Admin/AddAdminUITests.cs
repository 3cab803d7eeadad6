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
        new SocketIOServerBuilder(services).AddAdminUI(o => o.Authentication = AdminUIAuthentication.None);
        new SocketIOServerBuilder(services).AddAdminUI(o => o.ReadOnly = true);

        Assert.Single(services, s => s.ServiceType == typeof(SocketIOHandlerContribution));
        Assert.Single(services, s => s.ServiceType == typeof(AdminSessions));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AdminUIOptions>>().Value;
        Assert.Equal((AdminUIAuthentication.None, true), (options.Authentication, options.ReadOnly));
    }
}

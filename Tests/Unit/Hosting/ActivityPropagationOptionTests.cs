using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansSocket.Tests.Hosting;

/// <summary>
/// <c>Cluster:ActivityPropagation</c> decides whether Orleans' activity propagation filters sit on every grain call,
/// on a silo and on a gateway client alike; off by default.
/// </summary>
public sealed class ActivityPropagationOptionTests
{
    private static HostApplicationBuilder Builder(string? propagation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (propagation is not null) builder.Configuration.AddInMemoryCollection([new("Cluster:ActivityPropagation", propagation)]);
        return builder;
    }

    private static string[] PropagationFilters(IServiceProvider services) =>
        services.GetServices<Orleans.IOutgoingGrainCallFilter>().Select(f => f.GetType().Name)
            .Concat(services.GetServices<Orleans.IIncomingGrainCallFilter>().Select(f => f.GetType().Name))
            .Where(name => name.StartsWith("ActivityPropagation", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void A_silo_propagates_activities_only_when_configured(string? propagation, bool expected)
    {
        var builder = Builder(propagation);
        builder.UseOrleans(silo => silo.AddSocketIOGrains());
        using var host = builder.Build();
        var filters = PropagationFilters(host.Services);
        if (expected)
            Assert.Equal(["ActivityPropagationIncomingGrainCallFilter", "ActivityPropagationOutgoingGrainCallFilter"], filters);
        else
            Assert.Empty(filters);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public void A_gateway_client_propagates_activities_only_when_configured(string? propagation, bool expected)
    {
        var builder = Builder(propagation);
        builder.UseOrleansClient(client => client.AddSocketIOClient());
        using var host = builder.Build();
        var filters = PropagationFilters(host.Services);
        if (expected) Assert.Contains("ActivityPropagationOutgoingGrainCallFilter", filters);
        else Assert.Empty(filters);
    }
}

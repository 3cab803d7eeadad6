using System.Reflection;
using Microsoft.Extensions.Configuration;
using Orleans.Providers;

namespace OrleansSocket;

/// <summary>
/// <c>Cluster:Clustering=Redis</c> through Orleans' own provider registrations (<see cref="RegisterProviderAttribute"/>,
/// what <c>Orleans:Clustering:ProviderType=Redis</c> uses), so that the library references no Redis package: the host
/// that configures Redis references it (<c>Microsoft.Orleans.Clustering.Redis</c>, and on silos
/// <c>Microsoft.Orleans.Persistence.Redis</c>), and a host that does not gets a message naming the package.
/// </summary>
internal static class RedisProviders
{
    internal const string ClusteringPackage = "Microsoft.Orleans.Clustering.Redis";
    internal const string PersistencePackage = "Microsoft.Orleans.Persistence.Redis";

    /// <summary>Redis membership for a silo, and the streams' pub-sub store (<paramref name="pubSubStore"/>) in Redis,
    /// serialized as <see cref="PubSubStoreSerializer"/> says.</summary>
    internal static void UseRedisProviders(this ISiloBuilder silo, string connectionString, string pubSubStore)
    {
        Find<ISiloBuilder>("Silo", "Clustering", "Orleans.Clustering.Redis", ClusteringPackage).Configure(silo, null, Section(connectionString));
        silo.Services.AddPubSubStoreSerializer();
        Find<ISiloBuilder>("Silo", "GrainStorage", "Orleans.Persistence.Redis", PersistencePackage)
            .Configure(silo, pubSubStore, Section(connectionString, PubSubStoreSerializer.ServiceKey));
    }

    /// <summary>Redis membership for an Orleans client (the gateway list).</summary>
    internal static void UseRedisProviders(this IClientBuilder client, string connectionString) =>
        Find<IClientBuilder>("Client", "Clustering", "Orleans.Clustering.Redis", ClusteringPackage).Configure(client, null, Section(connectionString));

    /// <summary>The provider section Orleans' Redis providers read (<c>ConnectionString</c>, and the grain storage's
    /// <c>SerializerKey</c>: a keyed <see cref="Orleans.Storage.IGrainStorageSerializer"/>).</summary>
    private static IConfigurationSection Section(string connectionString, string? serializerKey = null) =>
        new ConfigurationBuilder().AddInMemoryCollection([new("Redis:ConnectionString", connectionString), new("Redis:SerializerKey", serializerKey)])
            .Build().GetSection("Redis");

    internal static IProviderBuilder<TBuilder> Find<TBuilder>(string target, string kind, string assemblyName, string package)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"Cluster:Clustering=Redis needs the package {package} in this application (dotnet add package {package}).", e);
        }
        var registration = assembly.GetCustomAttributes<RegisterProviderAttribute>()
            .FirstOrDefault(a => a is { Name: "Redis" } && a.Kind == kind && a.Target == target)
            ?? throw new InvalidOperationException($"{assemblyName} registers no Redis {kind} provider for a {target.ToLowerInvariant()}.");
        return Activator.CreateInstance(registration.Type) as IProviderBuilder<TBuilder>
            ?? throw new InvalidOperationException($"{registration.Type} does not implement {typeof(IProviderBuilder<TBuilder>)}.");
    }
}

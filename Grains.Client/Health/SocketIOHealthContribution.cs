using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSocket.Internal;

/// <summary>
/// A readiness check a part of OrleansSocket offers (the gateway registers one with <c>AddSocketIO()</c>);
/// <c>AddSocketIOHealthChecks()</c> adds each one found in the container. Not for application code.
/// </summary>
/// <param name="Name">The health check's name.</param>
/// <param name="Create">Makes the check from the application's services.</param>
internal sealed record SocketIOHealthContribution(string Name, Func<IServiceProvider, IHealthCheck> Create);

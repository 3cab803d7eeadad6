using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Gateways;

/// <summary>What the gateway membership grain logs: leases taken, given back, missed; event ids 2200–2299.</summary>
internal static partial class MembershipGrainLog
{
    [LoggerMessage(2200, LogLevel.Error, "Gateway id {Gateway} at {Address} is held by the gateway at {Holder}")]
    public static partial void IdTaken(ILogger logger, string gateway, string address, string holder);

    [LoggerMessage(2201, LogLevel.Information, "Gateway {Gateway} took a lease of {Lease} ({Status})")]
    public static partial void LeaseTaken(ILogger logger, string gateway, TimeSpan lease, GatewayLeaseStatus status);

    [LoggerMessage(2202, LogLevel.Information, "Gateway {Gateway} gave its lease back")]
    public static partial void LeaseGivenBack(ILogger logger, string gateway);

    [LoggerMessage(2203, LogLevel.Warning, "Gateway {Gateway} missed its lease ({Lease}) but answers: lease renewed")]
    public static partial void LateButAlive(ILogger logger, string gateway, TimeSpan lease);

    [LoggerMessage(2204, LogLevel.Warning, "Gateway {Gateway} missed its lease ({Lease}, {Late:F1} s late): dropping its sockets in {Namespaces}")]
    public static partial void DeclaredDead(ILogger logger, string gateway, TimeSpan lease, double late, string namespaces);

    [LoggerMessage(2205, LogLevel.Error, "Dropping gateway {Gateway} from namespace {Namespace} failed")]
    public static partial void DropFailed(ILogger logger, Exception exception, string gateway, string @namespace);
}

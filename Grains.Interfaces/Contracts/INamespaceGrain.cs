namespace OrleansSocket.Internal;

/// <summary>
/// One namespace (key: its name): every socket connected to it, on which gateway (namespace-wide broadcasts, counts,
/// fetches). It tells the <see cref="IGatewayMembershipGrain"/> of a gateway before counting its first socket, and
/// is told in turn when that gateway is declared dead.
/// </summary>
[Alias("OrleansSocket.INamespaceGrain")]
internal interface INamespaceGrain : IMembershipGrain
{
    /// <summary>The gateway is gone: its sockets leave the namespace, and each socket grain is told.</summary>
    [Alias("DropGateway")] Task DropGateway(string gatewayId);
}

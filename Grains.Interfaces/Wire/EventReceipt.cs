namespace OrleansSocket.Internal;

/// <summary>
/// Where a socket grain reports that the events it was handed one-way (<see cref="ISocketGrain.PostEvent"/>,
/// <see cref="ISocketGrain.PostEvents"/>) are done: the gateway's socket of connection <see cref="ConnectionId"/> on node
/// <see cref="GatewayId"/>, which waits for <see cref="Sequence"/> before it sends the socket's next events.
/// </summary>
/// <param name="GatewayId">The gateway (adapter node) holding the connection.</param>
/// <param name="ConnectionId">The gateway-side socket's connection (<see cref="SocketConnectRequest.ConnectionId"/>).</param>
/// <param name="Sequence">Which of the socket's posts this is: a report of an earlier one that came too late is ignored.</param>
[GenerateSerializer, Immutable, Alias("OrleansSocket.EventReceipt")]
internal readonly record struct EventReceipt(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string ConnectionId,
    [property: Id(2)] long Sequence);

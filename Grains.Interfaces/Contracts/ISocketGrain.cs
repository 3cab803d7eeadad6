using Orleans.Concurrency;

namespace OrleansSocket.Internal;

/// <summary>
/// One Socket.IO socket: a client connected to one namespace. Keyed by the socket id.
/// Not reentrant: events of one socket start one at a time, in the order the gateway sends them
/// (the gateway awaits each call before sending the next, which keeps order across processes).
/// </summary>
[Alias("OrleansSocket.ISocketGrain")]
internal interface ISocketGrain : IGrainWithStringKey
{
    /// <summary>Runs middleware and the namespace's connect handler.</summary>
    [Alias("Connect")]
    Task<ConnectResult> Connect(SocketConnectRequest request);

    /// <summary>
    /// Connection state recovery: a client came back with <see cref="SocketConnectRequest.RecoveryPid"/>
    /// and <see cref="SocketConnectRequest.RecoveryOffset"/>. Accepted and <see cref="ConnectResult.Recovered"/>
    /// when the pid is this session's and the socket left within the window for a recoverable reason — or still
    /// counts as connected: the pid is the session's credential, so the new connection takes the session over (the
    /// earlier connection is told to close, through <see cref="IGatewayObserver.Supersede"/>, and the disconnect
    /// handler runs for it with reason <c>transport close</c>). Otherwise <see cref="ConnectResult.IsNotRecoverable"/>,
    /// and the gateway connects the client as a new socket.
    /// </summary>
    [Alias("Recover")]
    Task<ConnectResult> Recover(SocketConnectRequest request);

    /// <summary>
    /// Runs the handler for the event until it finishes or waits on something outside the socket (a client's ack, a
    /// timer, I/O; not the socket's own emits, joins or broadcasts). Returns the ACK arguments when the client asked for
    /// one and the handler answered by then; a later answer goes to <see cref="IGatewayObserver.Ack"/> with
    /// <see cref="ClientEvent.AckId"/>, while this grain takes the socket's next events.
    /// </summary>
    [Alias("HandleEvent")]
    Task<SocketPayload?> HandleEvent(ClientEvent clientEvent);

    /// <summary>
    /// Several consecutive events of this socket in one call: each runs as <see cref="HandleEvent"/> would, one after
    /// the other, in the array's order. The gateway sends them together when they queued up while the socket's previous
    /// call was in flight, so that a socket's events cost one round trip per call rather than one each while keeping
    /// their order (one call cannot be reordered). Outcomes come back in the same order, a failed event's as its error.
    /// </summary>
    [Alias("HandleEvents")]
    Task<EventBatchResult> HandleEvents(ClientEvent[] clientEvents);

    /// <summary>
    /// <see cref="HandleEvent"/> without Orleans' response, for a gateway in the grain's own process
    /// (<see cref="ConnectResult.GatewayHere"/>): the answer is written to the socket there, and the grain reports to that
    /// gateway's socket that the event is done (<see cref="EventReceipt"/>), which then sends the next one. One event in
    /// flight per socket, so order is kept; a report that never comes is bounded by the gateway's
    /// <c>SocketIO:PostedEventTimeout</c>.
    /// </summary>
    [Alias("PostEvent"), OneWay]
    Task PostEvent(ClientEvent clientEvent, EventReceipt receipt);

    /// <summary>Several consecutive events as <see cref="HandleEvents"/> runs them, handed over as <see cref="PostEvent"/> is.</summary>
    [Alias("PostEvents"), OneWay]
    Task PostEvents(ClientEvent[] clientEvents, EventReceipt receipt);

    /// <summary>The client's connection moved to another transport (an upgrade from polling to "websocket").</summary>
    [Alias("TransportChanged")]
    Task TransportChanged(string transport);

    /// <summary>What <c>fetchSockets</c> returns for this socket, or null when it is not connected.</summary>
    [Alias("Describe"), AlwaysInterleave]
    Task<RemoteSocket?> Describe();

    /// <summary>Joins rooms on behalf of someone else (<c>socketsJoin</c>); interleaves with a running handler.</summary>
    [Alias("JoinRooms"), AlwaysInterleave]
    Task JoinRooms(string[] rooms);

    /// <summary>Leaves rooms on behalf of someone else (<c>socketsLeave</c>); interleaves with a running handler.</summary>
    [Alias("LeaveRooms"), AlwaysInterleave]
    Task LeaveRooms(string[] rooms);

    /// <summary>Server-side disconnect requested from elsewhere (<c>disconnectSockets</c>).</summary>
    [Alias("Disconnect"), AlwaysInterleave]
    Task Disconnect(bool closeConnection);

    /// <summary>
    /// Re-asserts a connected socket after a silo failure: a new activation takes the gateway's copy of its state
    /// (session data is lost); either way the socket is added back to its namespace, rooms and user, whose grains
    /// may have been lost. Idempotent. Does not run the connect handler.
    /// </summary>
    [Alias("Restore")]
    Task Restore(SocketRestoreRequest request);

    /// <summary>The gateway holding the socket was declared dead: runs the disconnect handler (reason <c>transport close</c>) and leaves everything.</summary>
    [Alias("GatewayLost"), OneWay]
    Task GatewayLost(string gatewayId);

    /// <summary>The client left (reason as Socket.IO names it: "client namespace disconnect", "transport close", "ping timeout", ...).</summary>
    /// <param name="reason">Why the socket left.</param>
    /// <param name="connectionId">The <see cref="SocketConnectRequest.ConnectionId"/> of the connection that left; ignored
    /// when the session has been taken over by another connection since. Null: whichever connection is current.</param>
    [Alias("Disconnected")]
    Task Disconnected(string reason, string? connectionId = null);
}

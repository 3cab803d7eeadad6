namespace OrleansSocket.Gateway.Sessions;

/// <summary>
/// What a <see cref="NamespaceSocket"/> needs of the connection it is multiplexed on (and, through it, of the
/// gateway): where its packets go, what its client's input is charged to, and the few events the connection and
/// the gateway's socket table must hear about. The socket knows nothing else of its parents.
/// </summary>
internal interface ISocketConnection
{
    /// <summary>Encodes and sends packets to this connection's client.</summary>
    PacketWriter Writer { get; }

    /// <summary>Who is told of the broadcasts written to the sockets (the Admin UI's development mode); null: nobody.</summary>
    Grains.Sockets.ISocketActivity? Activity => null;

    /// <summary>The connection's inbound bound: a client packet is charged until its grain call is done.</summary>
    IInboundCharges Inbound { get; }

    /// <summary>The socket was accepted: broadcasts to its namespace and rooms reach it from now on.</summary>
    void Accepted(NamespaceSocket socket);

    /// <summary>The socket is no longer in any room (refused, closed or abandoned).</summary>
    void LeftRooms(NamespaceSocket socket);

    /// <summary>A refused or server-disconnected socket leaves this connection and the gateway's socket table.</summary>
    void Forget(NamespaceSocket socket);

    /// <summary>A recovering socket gave up its id: it leaves the gateway's socket table, not the connection's.</summary>
    void Unregister(NamespaceSocket socket);

    /// <summary>The recovery of <paramref name="failed"/> was refused: connect anew with the same request.</summary>
    void ConnectAfterFailedRecovery(NamespaceSocket failed, SocketConnectRequest request);

    /// <summary>A socket closed: its grain is being told (<see cref="ClosingDone"/> follows once it was).</summary>
    void ClosingStarted();

    /// <summary>A closed socket's grain has been told.</summary>
    void ClosingDone();

    /// <summary>A recovering connection took <paramref name="socket"/>'s session over: the socket and this connection go.</summary>
    void Supersede(NamespaceSocket socket);

    /// <summary>Closes the Engine.IO connection.</summary>
    void Close();
}

/// <summary>Charges a client's packets to its connection's inbound bound (<see cref="InboundBudget"/>).</summary>
internal interface IInboundCharges
{
    /// <summary>A packet of <paramref name="bytes"/> was queued.</summary>
    void Add(long bytes);

    /// <summary>A queued packet of <paramref name="bytes"/> was handled (or dropped).</summary>
    void Release(long bytes);
}

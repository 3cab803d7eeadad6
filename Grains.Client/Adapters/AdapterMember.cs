namespace OrleansSocket.Grains.Adapters;

/// <summary>
/// A socket as the membership methods of <see cref="SocketIOAdapter"/> name it: its id, namespace and the node
/// (gateway) that holds its connection.
/// </summary>
/// <param name="Id">The socket id; the socket is always in the room of its own id.</param>
/// <param name="Namespace">The namespace the socket is connected to.</param>
/// <param name="GatewayId">The gateway that holds the socket's connection: the node a broadcast reaches it on.</param>
/// <param name="Gateway">The gateway's local room index to keep in step when rooms are joined or left; null when the
/// node needs no telling (one node, or a gateway that already holds the rooms, as when a socket is restored).</param>
internal sealed record AdapterMember(string Id, string Namespace, string GatewayId, IGatewayObserver? Gateway = null);

namespace OrleansSocket.Internal;

/// <summary>
/// One room of one namespace (key: <see cref="RoomKey.Of"/>). For a room nobody joined, <see cref="IMembershipGrain.Gateways"/>
/// and <see cref="IMembershipGrain.Members"/> answer for the socket of that id (every socket is in the room of its own id).
/// </summary>
[Alias("OrleansSocket.IRoomGrain")]
internal interface IRoomGrain : IMembershipGrain
{
}

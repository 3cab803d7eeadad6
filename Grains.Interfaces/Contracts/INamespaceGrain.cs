namespace OrleansSocket;

/// <summary>One namespace (key: its name): which sockets are connected to it, on which gateway.</summary>
[Alias("OrleansSocket.INamespaceGrain")]
public interface INamespaceGrain : IGrainWithStringKey
{
    [Alias("Add")] Task Add(string socketId, string gatewayId);
    [Alias("Remove")] Task Remove(string socketId);
    [Alias("Gateways")] Task<string[]> Gateways();
    [Alias("Members")] Task<string[]> Members();
    [Alias("DropGateway")] Task DropGateway(string gatewayId);
}

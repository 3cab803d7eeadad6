using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket;

internal sealed class SocketIOServerBuilder(IServiceCollection services) : ISocketIOServerBuilder
{
    public IServiceCollection Services { get; } = services;
}

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// Handlers a feature of OrleansSocket declares (the Admin UI's namespace), added when the handler registry is built,
/// that is only where the grains run: a gateway that is only an Orleans client of the silos registers the feature
/// without declaring handlers of its own.
/// </summary>
/// <param name="Configure">Declares the handlers, with the services of the process that builds the registry.</param>
internal sealed record SocketIOHandlerContribution(Action<ISocketIOBuilder, IServiceProvider> Configure);

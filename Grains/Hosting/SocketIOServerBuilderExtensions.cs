using OrleansSocket;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Declares the application's Socket.IO handlers on <c>services.AddSocketIO()</c> or <c>silo.AddSocketIOGrains()</c>.
/// Handlers run where the socket grains run: in this process when it hosts a silo, else in the silos (a gateway that
/// is only an Orleans client and declares handlers fails at start).
/// </summary>
public static class SocketIOServerBuilderExtensions
{
    /// <summary>Registers the <see cref="OnAttribute"/>, <see cref="OnConnectAttribute"/> and
    /// <see cref="OnDisconnectAttribute"/> methods of <typeparamref name="T"/> for the main namespace <c>/</c>
    /// (Flask-SocketIO's <c>@socketio.on</c>).</summary>
    /// <exception cref="ArgumentException">a handler's signature cannot be bound.</exception>
    /// <exception cref="InvalidOperationException">an event already has a handler.</exception>
    public static ISocketIOServerBuilder AddHandlers<T>(this ISocketIOServerBuilder builder) where T : class =>
        builder.AddHandlers<T>("/");

    /// <summary>Registers the handler methods of <typeparamref name="T"/> for namespace <paramref name="ns"/>, e.g. <c>"/chat"</c>.</summary>
    /// <exception cref="ArgumentException">a handler's signature cannot be bound.</exception>
    /// <exception cref="InvalidOperationException">an event already has a handler.</exception>
    public static ISocketIOServerBuilder AddHandlers<T>(this ISocketIOServerBuilder builder, string ns) where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHandlers(io => io.AddHandlers<T>(ns));
    }

    /// <summary>
    /// Declares handlers with the <see cref="ISocketIOBuilder"/>: <c>io.On("event", (ISocket s, string text) =&gt; ...)</c>,
    /// <c>io.OnConnect</c>, <c>io.Use</c>, <c>io.AddNamespace&lt;T&gt;</c>, ... May be called several times (e.g. once
    /// per feature); registrations accumulate.
    /// </summary>
    /// <exception cref="ArgumentException">a handler's signature cannot be bound.</exception>
    /// <exception cref="InvalidOperationException">an event already has a handler.</exception>
    public static ISocketIOServerBuilder AddHandlers(this ISocketIOServerBuilder builder, Action<ISocketIOBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSocketIOHandlers(configure);
        return builder;
    }
}

namespace OrleansSocket;

/// <summary>
/// The client's acknowledgement callback for the event being handled (Node's <c>callback</c> argument). A handler
/// that takes an <see cref="IAck"/> parameter answers only through it: its return value is not sent, and the client
/// gets no ack unless <see cref="SendAsync(object?[])"/> is called — now, after an await, or later from another
/// handler of the same socket that was given it (e.g. through <see cref="ISocket.Session"/>).
/// Handlers without the parameter keep the default: their return value is the ack.
/// </summary>
public interface IAck
{
    /// <summary>The client asked for an acknowledgement (Node: the last argument is a function). When false, sending does nothing.</summary>
    bool Requested { get; }

    /// <summary>The acknowledgement has been sent (or handed to the gateway); later sends do nothing, as in Node.</summary>
    bool Sent { get; }

    /// <summary>Answers the client with these arguments (<c>byte[]</c> at any depth as binary). Only the first call counts.</summary>
    Task SendAsync(params object?[] args);

    /// <summary>Answers with one argument: an array or a list is one argument, never spread. Only the first call counts.</summary>
    Task SendAsync<T>(T arg) => SendAsync(new object?[] { arg });

    /// <summary>Answers with arguments already encoded (e.g. a payload received from a client). Only the first call counts.</summary>
    Task SendAsync(SocketPayload payload);
}

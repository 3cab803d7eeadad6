namespace OrleansSocket;

/// <summary>
/// A handler marked <c>[Authorize]</c> (on the method or its class) refused the socket's user
/// (<see cref="ISocket.User"/>): the handler was not called. A refused connect handler answers the client with a
/// CONNECT_ERROR <c>{message, data: {status}}</c>; a refused event goes to the namespace's error handler.
/// </summary>
public sealed class SocketIOAuthorizationException : Exception
{
    /// <summary>The message of a refusal for a user no scheme authenticated.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>The message of a refusal for an authenticated user the policy does not admit.</summary>
    public const string ForbiddenMessage = "Forbidden";

    /// <summary>A refusal; <paramref name="authenticated"/> chooses 403 (Forbidden) over 401 (Unauthorized).</summary>
    public SocketIOAuthorizationException(bool authenticated, string handler)
        : base(authenticated ? ForbiddenMessage : UnauthorizedMessage)
    {
        StatusCode = authenticated ? 403 : 401;
        Handler = handler;
    }

    /// <summary>Creates a refusal for an anonymous user (401).</summary>
    public SocketIOAuthorizationException() : this(authenticated: false, handler: "") { }

    /// <summary>Creates a refusal with <paramref name="message"/> (401).</summary>
    public SocketIOAuthorizationException(string message) : base(message)
    {
        StatusCode = 401;
        Handler = "";
    }

    /// <summary>Creates a refusal with <paramref name="message"/> and its cause (401).</summary>
    public SocketIOAuthorizationException(string message, Exception innerException) : base(message, innerException)
    {
        StatusCode = 401;
        Handler = "";
    }

    /// <summary>401 when the user is not authenticated, 403 when the policy refused an authenticated user, as HTTP would.</summary>
    public int StatusCode { get; }

    /// <summary>The refused handler, <c>Type.Method</c>.</summary>
    public string Handler { get; }
}

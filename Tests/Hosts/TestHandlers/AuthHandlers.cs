using Microsoft.AspNetCore.Authorization;

namespace OrleansSocket.TestHosts;

/// <summary>
/// The <c>auth</c> test profile: the test gateway adds a JWT bearer scheme (symmetric <see cref="SigningKey"/>,
/// token from the <c>Authorization</c> header or an <c>access_token</c> query parameter) and maps Socket.IO at
/// <see cref="SecurePath"/> with <c>RequireAuthorization()</c> and at <see cref="AdminPath"/> with the policy
/// <see cref="AdminPolicy"/> (role <c>admin</c>), beside the anonymous default path. The handlers report the user
/// the silo sees (<see cref="ISocket.User"/>).
/// </summary>
/// <remarks>
/// <para>On connect the socket's <see cref="ISocket.UserId"/> is the authenticated name.
/// <c>whoami</c> → ack { authenticated, name, admin, userId, transport }.
/// <c>admin only</c> (<c>[Authorize(Roles = "admin")]</c>, checked in the silo) → ack "admin only: NAME"; refused, the
/// handler is not called and the error handler tells the socket: <c>refused</c> { event, message, status }.</para>
/// <para>Where the handlers run, authorization must be registered (the test gateway's JWT setup does it; the test
/// silo adds <c>AddAuthorization()</c> for this profile).</para>
/// </remarks>
public static class AuthHandlers
{
    /// <summary>The profile's name.</summary>
    public const string Profile = "auth";
    /// <summary>Socket.IO for any authenticated user.</summary>
    public const string SecurePath = "/secure/";
    /// <summary>Socket.IO for users in role <c>admin</c>.</summary>
    public const string AdminPath = "/admins/";
    /// <summary>The policy of <see cref="AdminPath"/>.</summary>
    public const string AdminPolicy = "admin";
    /// <summary>The tokens' issuer.</summary>
    public const string Issuer = "https://issuer.orleanssocket.test";
    /// <summary>The tokens' audience.</summary>
    public const string Audience = "orleanssocket-e2e";
    /// <summary>The HMAC-SHA256 key of the test tokens (a test value, not a secret).</summary>
    public const string SigningKey = "the end-to-end tests' signing key, 256 bits or more";

    /// <summary>Registers the profile's handlers.</summary>
    public static void Register(ISocketIOBuilder io)
    {
        io.OnConnect((ISocket socket) => socket.UserId = socket.User.Identity?.Name);
        io.On("whoami", (ISocket socket) => new
        {
            authenticated = socket.User.Identity?.IsAuthenticated ?? false,
            name = socket.User.Identity?.Name,
            admin = socket.User.IsInRole("admin"),
            userId = socket.UserId,
            transport = socket.Transport,
        });
        io.AddHandlers<AdminOnlyHandlers>();
        io.OnError(async (socket, error, eventName) =>
        {
            if (error is SocketIOAuthorizationException refusal)
                await socket.EmitAsync("refused", new { @event = eventName, message = refusal.Message, status = refusal.StatusCode });
        });
    }
}

/// <summary>A handler for the role <c>admin</c> only (<see cref="AuthHandlers"/>).</summary>
public sealed class AdminOnlyHandlers : SocketIOHandler
{
    /// <summary><c>admin only</c>: acks with the user's name.</summary>
    [Authorize(Roles = "admin")]
    [On("admin only")]
    public string AdminOnly() => "admin only: " + Socket.User.Identity?.Name;
}

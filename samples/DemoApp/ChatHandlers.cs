using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.DemoApp;

/// <summary>
/// The demo chat, namespace <c>/chat</c> (the page's <c>io("/chat", { auth: { nickname } })</c>), written in the
/// three handler styles of Flask-SocketIO's docs side by side:
/// <list type="number">
/// <item><c>[On("room message")]</c>: a method with the event name given (names with spaces need it);</item>
/// <item><c>[On]</c>: the event name comes from the method name (<c>OnJoinRoom</c> → <c>join_room</c>);</item>
/// <item><c>io.On("broadcast", lambda, ns)</c>: a lambda registered with the builder (<see cref="Register"/>).</item>
/// </list>
/// </summary>
/// <remarks>
/// Every handler runs in the socket's grain. The nickname comes from the CONNECT auth and becomes the socket's
/// <see cref="ISocket.UserId"/>, so a private message reaches every socket (tab) of that user, on any gateway.
/// Messages go out through the server, never echoed locally by the page: a room message goes to
/// <c>Server.Of("/chat").To(room)</c>, which includes the sender, as a chat expects to show its own lines.
/// Handlers answer with a <see cref="Reply"/> as the ack; nicknames are not authenticated unless the demo's sign-in
/// is on (<see cref="DemoSignIn"/>).
/// </remarks>
public sealed partial class ChatHandlers : SocketIOHandler
{
    public const string Namespace = "/chat";
    public const int MaxTextLength = 500;
    /// <summary>Shorter than a socket id (20 characters), so a room name never names another socket's own room.</summary>
    public const string NameRule = "1 to 16 letters, digits, '_' or '-'";

    public static void Register(ISocketIOBuilder io)
    {
        // Styles (a) and (b): the [On], [OnConnect] and [OnDisconnect] methods of this class.
        io.AddHandlers<ChatHandlers>(Namespace);

        // Style (c): io.On with a lambda. Flask's send(data, json=True, broadcast=True): a `json` event to everyone.
        io.On("broadcast", async (ISocket socket, string? text) =>
        {
            if (CheckText(text) is { } error) return Reply.Fail(error);
            await socket.Server.Of(Namespace).SendAsync(new ChatLine("broadcast", socket.UserId!, text!.Trim()), json: true);
            return Reply.Success();
        }, Namespace);
    }

    /// <summary>A chat line as the page receives it (<c>room message</c>, <c>private message</c>, <c>json</c>).</summary>
    public sealed record ChatLine(string Kind, string From, string Text, string? Room = null, string? To = null)
    {
        public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    }

    /// <summary>The <c>users</c> event: who is online, as <c>{users: [...]}</c> (the page reads that shape).</summary>
    public sealed record Online(string[] Users);

    /// <summary>A <c>system</c> event: someone joined or left the chat or a room.</summary>
    public sealed record Notice(string Text, string? Room = null);

    /// <summary>Every handler's ack: ok, or the error to show; <see cref="Rooms"/> after joining or leaving.</summary>
    public sealed record Reply(bool Ok, string? Error = null, string[]? Rooms = null)
    {
        public static Reply Success(string[]? rooms = null) => new(true, null, rooms);
        public static Reply Fail(string error) => new(false, error);
    }

    public sealed record RoomMessage(string? Room, string? Text);

    public sealed record PrivateMessage(string? To, string? Text);

    /// <summary>The whole chat namespace: <c>Server</c> alone addresses <c>/</c>, as Node's <c>io</c> does.</summary>
    private IBroadcast Chat => Socket.Server.Of(Namespace);

    private string Nickname => Socket.UserId!;

    /// <summary>
    /// The connect handler gets the CONNECT auth (<c>{ nickname }</c>); throwing
    /// <see cref="ConnectionRefusedException"/> refuses the connection: the page's <c>connect_error</c> gets its
    /// message and data. With the demo's sign-in on (<see cref="DemoSignInOptions"/>) the nickname is the signed-in
    /// user's name instead: <see cref="ISocket.User"/>, whom the gateway's JWT scheme found on the HTTP request, or
    /// the user of the CONNECT packet's <c>auth.token</c>, checked here by the same scheme.
    /// </summary>
    [OnConnect]
    public async Task Connect(JsonElement auth, IServiceProvider services)
    {
        // A user the gateway authenticated is that user even where the sign-in is not configured (a silo without it).
        var signedIn = Socket.User.Identity?.IsAuthenticated == true || services.GetService<DemoSignInOptions>() is not null;
        var nickname = signedIn ? await SignedInNameAsync(auth, services) : ChosenNickname(auth);

        Socket.UserId = nickname; // the user's sockets: Chat.ToUser(nickname) reaches every one of them
        var others = await OtherUsers();
        var online = new Online([.. others.Append(nickname).Distinct().Order(StringComparer.OrdinalIgnoreCase)]);
        // This socket is not connected yet, so namespace-wide emits miss it: it gets its own copy
        // (held back by the gateway until the CONNECT answer has gone out).
        await Socket.SendAsync($"Welcome, {nickname}! Join a room, then message it, a user or everyone.");
        await Socket.EmitAsync("users", online);
        await Socket.Broadcast.EmitAsync("users", online);
        if (!others.Contains(nickname)) // not when the user opens another tab
            await Socket.Broadcast.EmitAsync("system", new Notice($"{nickname} joined the chat"));
    }

    private static string ChosenNickname(JsonElement auth)
    {
        var nickname = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("nickname", out var n)
            && n.ValueKind == JsonValueKind.String ? n.GetString()!.Trim() : "";
        if (nickname.Length == 0)
            throw new ConnectionRefusedException("Nickname required",
                new { reason = "missing_nickname", hint = "connect with auth { nickname: \"...\" }" });
        if (!NamePattern().IsMatch(nickname))
            throw new ConnectionRefusedException("Invalid nickname", new { reason = "invalid_nickname", nickname, rule = NameRule });
        return nickname;
    }

    private async Task<string> SignedInNameAsync(JsonElement auth, IServiceProvider services)
    {
        var user = Socket.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            var token = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("token", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
                throw new ConnectionRefusedException("Sign in first", new { reason = "not_signed_in", hint = SignInHint });
            user = await DemoSignIn.AuthenticateTokenAsync(services, token)
                ?? throw new ConnectionRefusedException("Invalid token", new { reason = "invalid_token", hint = SignInHint });
        }
        return user.Identity?.Name is { } name && NamePattern().IsMatch(name) ? name
            : throw new ConnectionRefusedException("Invalid nickname", new { reason = "invalid_nickname", rule = NameRule });
    }

    private const string SignInHint = "POST /login {\"name\": \"...\"}, then connect with the token (Authorization header, access_token query or auth.token)";

    [OnDisconnect]
    public async Task Disconnected()
    {
        if (Socket.UserId is not { } nickname) return;
        var others = await OtherUsers();
        await Socket.Broadcast.EmitAsync("users", new Online(others));
        if (!others.Contains(nickname)) // the user's last tab closed
            await Socket.Broadcast.EmitAsync("system", new Notice($"{nickname} left the chat"));
    }

    // (b) [On] without a name: OnJoinRoom handles `join_room` (On stripped, PascalCase → snake_case).
    [On]
    public async Task<Reply> OnJoinRoom(string? room)
    {
        if (CheckName(room, "Room") is { } error) return Reply.Fail(error);
        if (!Socket.Rooms.Contains(room!))
        {
            await Socket.JoinAsync(room!);
            await Chat.To(room!).EmitAsync("system", new Notice($"{Nickname} joined #{room}", room));
        }
        return Reply.Success(MyRooms());
    }

    // (b) `leave_room`.
    [On]
    public async Task<Reply> OnLeaveRoom(string? room)
    {
        if (room is null || room == Socket.Id || !Socket.Rooms.Contains(room)) return Reply.Fail($"You are not in #{room}");
        await Socket.LeaveAsync(room);
        var notice = new Notice($"{Nickname} left #{room}", room);
        await Chat.To(room).EmitAsync("system", notice);
        await Socket.EmitAsync("system", notice); // no longer in the room: its own copy
        return Reply.Success(MyRooms());
    }

    // (a) [On("event name")]: the name has a space, so it is given.
    [On("room message")]
    public async Task<Reply> OnRoomMessage(RoomMessage message)
    {
        if (CheckText(message.Text) is { } error) return Reply.Fail(error);
        if (message.Room is not { } room || room == Socket.Id || !Socket.Rooms.Contains(room))
            return Reply.Fail($"Join #{message.Room} first");
        // Server.To(room) includes the sender (socket.To(room) would leave it out).
        await Chat.To(room).EmitAsync("room message", new ChatLine("room", Nickname, message.Text!.Trim(), Room: room));
        return Reply.Success();
    }

    // (a) `private message`: to every socket of the recipient, and of the sender (their other tabs show it too).
    [On("private message")]
    public async Task<Reply> OnPrivateMessage(PrivateMessage message)
    {
        if (CheckText(message.Text) is { } error) return Reply.Fail(error);
        if (message.To is not { Length: > 0 } to || await Chat.ToUser(to).CountAsync() == 0)
            return Reply.Fail($"{message.To} is not online");
        await Chat.ToUser(to, Nickname).EmitAsync("private message", new ChatLine("private", Nickname, message.Text!.Trim(), To: to));
        return Reply.Success();
    }

    /// <summary>The nicknames of the namespace's other sockets, each once. A socket that is connecting is not
    /// listed yet, nor one that is leaving.</summary>
    private async Task<string[]> OtherUsers()
    {
        var sockets = await Chat.FetchSocketsAsync();
        return [.. sockets.Where(s => s.Id != Socket.Id).Select(s => s.UserId).OfType<string>()
            .Distinct().Order(StringComparer.OrdinalIgnoreCase)];
    }

    private string[] MyRooms() => [.. Socket.Rooms.Where(r => r != Socket.Id).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Whether <paramref name="name"/> is a valid nickname (<see cref="NameRule"/>).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    private static string? CheckName(string? name, string what) =>
        name is null || !NamePattern().IsMatch(name) ? $"{what} names are {NameRule}" : null;

    private static string? CheckText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "Empty message"
        : text.Length > MaxTextLength ? $"Messages are at most {MaxTextLength} characters" : null;

    [GeneratedRegex(@"^[\p{L}\p{N}_-]{1,16}$")]
    private static partial Regex NamePattern();
}

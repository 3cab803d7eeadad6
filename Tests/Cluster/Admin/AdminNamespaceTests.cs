using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Testing;

namespace OrleansSocket.Tests.Admin;

/// <summary>
/// The admin namespace as the Admin UI uses it, on the test kit's two gateways (an admin socket on one, the application's
/// sockets on both): sign-in with a bcrypt-hashed password or a session id, <c>config</c> and <c>all_sockets</c> on
/// connect, operations reaching sockets on the other gateway, read-only and production modes.
/// </summary>
public sealed class AdminNamespaceTests
{
    private const string Hash = "$2a$10$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu"; // bcrypt of "changeit"
    private static readonly object Credentials = new { username = "admin", password = "changeit" };

    private static Task<SocketIOTestServer> StartAsync(Action<AdminUIOptions> configure) =>
        SocketIOTestServer.StartAsync(io =>
            {
                io.On("add one", (int n) => n + 1);
                io.On("set name", (ISocket socket, string name) => { socket.Session["name"] = name; });
                io.On("shout", (ISocket socket, string text) => socket.Server.EmitAsync("news", text));
                io.On("ask", async (ISocket socket) =>
                {
                    try
                    {
                        await socket.EmitWithAckAsync("question", TimeSpan.FromMilliseconds(100), 1);
                    }
                    catch (TimeoutException)
                    {
                        // the test client does not answer server acks
                    }
                });
            },
            services => new SocketIOServerBuilder(services).AddAdminUI(configure),
            new SocketIOTestServerOptions { Gateways = 2 });

    private static void Basic(AdminUIOptions o)
    {
        o.Authentication = AdminUIAuthentication.Basic;
        o.Username = "admin";
        o.PasswordHash = Hash;
    }

    [Fact]
    public async Task Wrong_or_missing_credentials_are_refused_with_the_message_the_UI_reads()
    {
        await using var server = await StartAsync(Basic);

        var wrong = await server.ConnectAsync(new { username = "admin", password = "nope" }, "/admin");
        var none = await server.ConnectAsync(ns: "/admin");
        var forged = await server.ConnectAsync(new { sessionId = new string('0', 64) }, "/admin");

        foreach (var client in new[] { wrong, none, forged })
        {
            Assert.False(client.IsConnected);
            Assert.Equal("invalid credentials", client.ConnectError?.Message);
        }
    }

    [Fact]
    public async Task Signed_in_the_UI_gets_a_session_the_config_and_every_socket_of_every_gateway()
    {
        await using var server = await StartAsync(Basic);
        var app1 = await server.ConnectAsync();
        var app2 = await server.ConnectAsync();

        var admin = await server.ConnectAsync(Credentials, "/admin");

        Assert.True(admin.IsConnected);
        var sessionId = (await admin.WaitForAsync("session")).Arg<string>(0);
        var features = (await admin.WaitForAsync("config")).Args[0].GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString());
        Assert.Equal(["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"], features);
        var sockets = (await admin.WaitForAsync("all_sockets")).Args[0].EnumerateArray().ToList();
        Assert.NotEqual(app1.GatewayId, app2.GatewayId);
        foreach (var app in new[] { app1, app2 })
        {
            var socket = Assert.Single(sockets, s => s.GetProperty("id").GetString() == app.Id);
            Assert.Equal("/", socket.GetProperty("nsp").GetString());
            Assert.Equal([app.Id], socket.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
        }

        // The UI reconnects with its session id alone.
        var again = await server.ConnectAsync(new { sessionId }, "/admin");
        Assert.True(again.IsConnected);
    }

    [Fact]
    public async Task Operations_reach_sockets_on_the_other_gateway()
    {
        await using var server = await StartAsync(Basic);
        var admin = await server.ConnectAsync(Credentials, "/admin");
        var target = await server.ConnectAsync();
        var bystander = await server.ConnectAsync();
        Assert.NotEqual(admin.GatewayId, target.GatewayId);

        await admin.EmitAsync("join", "/", "vip", target.Id);
        await server.FlushAsync();
        Assert.Contains("vip", await server.SocketIO.RoomsAsync(target.Id));
        Assert.DoesNotContain("vip", await server.SocketIO.RoomsAsync(bystander.Id));

        await admin.EmitAsync("emit", "/", "vip", "news", new { text = "hello" });
        Assert.Equal("hello", (await target.WaitForAsync("news")).Args[0].GetProperty("text").GetString());

        await admin.EmitAsync("leave", "/", "vip", target.Id);
        await server.FlushAsync();
        Assert.DoesNotContain("vip", await server.SocketIO.RoomsAsync(target.Id));

        await admin.EmitAsync("_disconnect", "/", false, target.Id);
        await server.FlushAsync();
        Assert.False(target.IsConnected);
        Assert.Equal("io server disconnect", target.DisconnectReason);
        Assert.True(bystander.IsConnected);
    }

    [Fact]
    public async Task In_development_mode_connections_rooms_events_and_disconnections_reach_the_UI()
    {
        await using var server = await StartAsync(Basic);
        var admin = await server.ConnectAsync(Credentials, "/admin");
        await admin.WaitForAsync("all_sockets");

        var app = await server.ConnectAsync();
        // The admin socket's own connection is reported too.
        var connected = await NextAsync(admin, "socket_connected", e => e.Args[0].GetProperty("nsp").GetString() == "/");
        Assert.Equal(app.Id, connected.Args[0].GetProperty("id").GetString());

        Assert.Equal(43, (await app.EmitWithAckAsync("add one", 42)).Arg<int>(0));
        var received = await admin.WaitForAsync("event_received");
        Assert.Equal(("/", app.Id), (received.Arg<string>(0), received.Arg<string>(1)));
        Assert.Equal("""["add one",42]""", received.Args[2].GetRawText());

        await admin.EmitAsync("join", "/", "vip", app.Id);
        var joined = await admin.WaitForAsync("room_joined");
        Assert.Equal(["/", "vip", app.Id], joined.Args[..3].Select(a => a.GetString()));

        await app.DisconnectAsync();
        var disconnected = await admin.WaitForAsync("socket_disconnected");
        Assert.Equal(["/", app.Id, "client namespace disconnect"], disconnected.Args[..3].Select(a => a.GetString()));
        // The admin namespace's own events (its session ids) are not reported.
        await server.FlushAsync();
        Assert.DoesNotContain(admin.GetReceived(), e => e.Event is "event_sent" or "event_received" && e.Arg<string>(0) == "/admin");
    }

    [Fact]
    public async Task A_handler_that_changes_the_sockets_data_updates_the_UI_once_per_change()
    {
        await using var server = await StartAsync(Basic);
        var admin = await server.ConnectAsync(Credentials, "/admin");
        await admin.WaitForAsync("all_sockets");
        var app = await server.ConnectAsync();

        await app.EmitAsync("set name", "ada");
        var updated = await NextAsync(admin, "socket_updated", e => e.Args[0].TryGetProperty("data", out _));
        Assert.Equal((app.Id, "/"), (updated.Args[0].GetProperty("id").GetString(), updated.Args[0].GetProperty("nsp").GetString()));
        Assert.Equal("""{"name":"ada"}""", updated.Args[0].GetProperty("data").GetRawText());

        // Handlers that leave the data as it was send nothing: the next update the UI gets is the next change.
        await app.EmitAsync("set name", "ada");
        Assert.Equal(2, (await app.EmitWithAckAsync("add one", 1)).Arg<int>(0));
        await app.EmitAsync("set name", "grace");
        var again = await NextAsync(admin, "socket_updated", e => e.Args[0].TryGetProperty("data", out _));
        Assert.Equal("""{"name":"grace"}""", again.Args[0].GetProperty("data").GetRawText());
        await server.FlushAsync();
        Assert.DoesNotContain(admin.GetReceived(), e => e.Event == "socket_updated" && e.Args[0].TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Broadcasts_and_emits_with_an_ack_are_event_sent_for_each_socket_that_gets_them()
    {
        await using var server = await StartAsync(Basic);
        var admin = await server.ConnectAsync(Credentials, "/admin");
        await admin.WaitForAsync("all_sockets");
        var app1 = await server.ConnectAsync();
        var app2 = await server.ConnectAsync();
        Assert.NotEqual(app1.GatewayId, app2.GatewayId);

        await app1.EmitAsync("shout", "hello");
        await app2.WaitForAsync("news");
        var news = new[] { await NextAsync(admin, "event_sent", IsNews), await NextAsync(admin, "event_sent", IsNews) };
        Assert.Equal(new[] { app1.Id, app2.Id }.Order(), news.Select(e => e.Arg<string>(1)).Order());
        Assert.All(news, e => Assert.Equal(("/", """["news","hello"]"""), (e.Arg<string>(0), e.Args[2].GetRawText())));

        await app2.EmitAsync("ask");
        var question = await NextAsync(admin, "event_sent", e => e.Args[2][0].GetString() == "question");
        Assert.Equal((app2.Id, """["question",1]"""), (question.Arg<string>(1), question.Args[2].GetRawText()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the namespaces from the gateway membership, told by the namespace grains
    public async Task Sockets_of_namespaces_served_only_by_a_wildcard_handler_are_listed(bool orleansAdapter)
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.On("ping", () => "pong", "*"),
            services => new SocketIOServerBuilder(services).AddAdminUI(Basic),
            new SocketIOTestServerOptions { Gateways = 2, OrleansAdapter = orleansAdapter });
        var root = await server.ConnectAsync();
        var tenant = await root.ConnectNamespaceAsync("/tenant-7");
        Assert.True(tenant.IsConnected);

        var admin = await server.ConnectAsync(Credentials, "/admin");

        var sockets = (await admin.WaitForAsync("all_sockets")).Args[0].EnumerateArray().ToList();
        Assert.Equal("/tenant-7", Assert.Single(sockets, s => s.GetProperty("id").GetString() == tenant.Id).GetProperty("nsp").GetString());
        Assert.Single(sockets, s => s.GetProperty("id").GetString() == root.Id);
    }

    private static bool IsNews(ReceivedEvent e) => e.Args[2][0].GetString() == "news";

    private static async Task<ReceivedEvent> NextAsync(SocketIOTestClient client, string eventName, Func<ReceivedEvent, bool> match)
    {
        while (true)
        {
            var received = await client.WaitForAsync(eventName);
            if (match(received)) return received;
        }
    }

    [Fact]
    public async Task Read_only_offers_no_operation_and_ignores_those_sent()
    {
        await using var server = await StartAsync(o =>
        {
            Basic(o);
            o.ReadOnly = true;
        });
        var admin = await server.ConnectAsync(Credentials, "/admin");
        var target = await server.ConnectAsync();

        var features = (await admin.WaitForAsync("config")).Args[0].GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString());
        Assert.Equal(["AGGREGATED_EVENTS", "ALL_EVENTS"], features);
        await admin.EmitAsync("_disconnect", "/", false, target.Id);
        await admin.EmitAsync("join", "/", "vip", target.Id);
        await server.FlushAsync();

        Assert.True(target.IsConnected);
        Assert.Equal([target.Id], await server.SocketIO.RoomsAsync(target.Id));
        Assert.True(admin.IsConnected);
    }

    [Fact]
    public async Task Without_authentication_in_production_mode_only_the_config_is_sent()
    {
        await using var server = await StartAsync(o =>
        {
            o.Authentication = AdminUIAuthentication.None;
            o.Mode = AdminUIMode.Production;
            o.Namespace = "/ops";
        });
        await server.ConnectAsync();

        var admin = await server.ConnectAsync(ns: "/ops");

        Assert.True(admin.IsConnected);
        var config = await admin.WaitForAsync("config");
        Assert.DoesNotContain("ALL_EVENTS", config.Args[0].GetProperty("supportedFeatures").EnumerateArray().Select(f => f.GetString()));
        await server.FlushAsync();
        Assert.DoesNotContain(admin.GetReceived(), e => e.Event is "all_sockets" or "session");
    }
}

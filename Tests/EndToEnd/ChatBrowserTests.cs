using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The demo chat (the gateway's index.html, namespace /chat) in headless Debian Chromium driven by Playwright for .NET
/// (<see cref="ChromiumBrowser"/>): three browsers, each with a fresh <c>--user-data-dir</c> (alice, bob, carol), plus a
/// second tab of alice's, on the demo gateway (Gateway/Host). Checks, in order (every chat line on a page comes
/// from the server; the page echoes nothing):
/// 1. the server refuses a missing nickname and an invalid one: #chat-error shows the CONNECT_ERROR message and data
///    ("Nickname required" / "Invalid nickname"), carried by a frame the page received;
/// 2. alice (two tabs), bob and carol sign in; every page lists the three users once;
/// 3. alice and bob join room "lobby"; alice's room message reaches bob (and alice), and was carried by a frame bob received;
/// 4. bob's private message reaches both of alice's tabs (every socket of the user) and bob's copy;
/// 5. carol's broadcast reaches every page; after it has arrived (the same connections deliver in order), carol and
///    alice's second tab (not in the room: rooms are per socket) have no room message, and carol has no private message;
/// 6. bob leaves "lobby": alice's next room message does not reach him (checked after a later broadcast has reached
///    him), while alice sees it;
/// 7. carol signs out: the others' user lists drop her and say she left.
/// Screenshots (chat-alice.png, chat-bob.png, chat-carol.png; chat-failure-*.png on failure) go to e2e-artifacts/ in the
/// test output directory (or OS_E2E_ARTIFACTS_DIR).
/// </summary>
[Collection(DemoServerCollection.Name)]
public sealed class ChatBrowserTests(DemoServerFixture server, ITestOutputHelper output)
{
    private readonly List<BrowserTab> _tabs = [];
    private readonly string _nonce = DateTime.UtcNow.Ticks.ToString("x");
    private string _baseUrl = "";
    private string _lastStep = "(none)";

    [Fact]
    public async Task TwoBrowsersChatAndRoomMessagesStayInTheRoom()
    {
        ChromiumBrowser.RequireChromium();
        server.EnsureStarted();
        _baseUrl = server.BaseUrl;
        var overall = TimeSpan.FromMilliseconds(4 * ChromiumBrowser.TimeoutMs);

        using var playwright = await Playwright.CreateAsync();
        var browsers = new List<ChromiumBrowser>();
        try
        {
            await RunAsync(playwright, browsers).WaitAsync(overall);
        }
        catch (Exception ex) when (ex is BrowserCheckException or PlaywrightException or System.TimeoutException)
        {
            var what = (ex is System.TimeoutException ? $"overall timeout of {overall.TotalSeconds:0} s exceeded" : ex.Message)
                + $" ({ex.GetType().FullName}; after the step: {_lastStep})";
            var details = "";
            foreach (var tab in _tabs.ToArray())
            {
                details += await tab.DescribeFailureAsync(E2eEnvironment.ArtifactsDir, $"chat-failure-{Regex.Replace(tab.Name, @"\W+", "-")}.png");
            }

            Assert.Fail($"FAIL chat {_baseUrl}/: {what}\n{details}{server.Describe()}");
        }
        finally
        {
            foreach (var browser in browsers.ToArray())
            {
                await browser.DisposeAsync();
            }
        }
    }

    private async Task RunAsync(IPlaywright playwright, List<ChromiumBrowser> browsers)
    {
        var launches = new[] { "alice", "bob", "carol" }.Select(name => ChromiumBrowser.LaunchAsync(playwright, name, 1100, 820)).ToArray();
        try
        {
            await Task.WhenAll(launches);
        }
        finally
        {
            browsers.AddRange(launches.Where(l => l.IsCompletedSuccessfully).Select(l => l.Result));
        }

        var (aliceBrowser, bobBrowser, carolBrowser) = (launches[0].Result, launches[1].Result, launches[2].Result);
        var alice = await OpenAsync(aliceBrowser, "alice");
        var bob = await OpenAsync(bobBrowser, "bob");
        var carol = await OpenAsync(carolBrowser, "carol");
        // The seed's exchange on the main namespace still runs on the chat page.
        await ExpectTextAsync(alice, "#log", "I'm connected!", "the main namespace's my event → my response");
        Step("the page loads in three browsers; the main namespace answered \"I'm connected!\"");

        // 1. Refusals come from the connect handler (ConnectionRefusedException message + data).
        await ExpectRefusedAsync(carol, "", "Nickname required", "missing_nickname");
        await ExpectRefusedAsync(carol, "carol smith!", "Invalid nickname", "invalid_nickname");
        Step("a missing and an invalid nickname are refused with the server's message and data");

        // 2. Sign in; alice also in a second tab (same user, two sockets).
        await SignInAsync(alice, "alice");
        await SignInAsync(bob, "bob");
        await SignInAsync(carol, "carol");
        var alice2 = await OpenAsync(aliceBrowser, "alice (2nd tab)");
        await SignInAsync(alice2, "alice");
        foreach (var tab in new[] { alice, bob, carol, alice2 })
        {
            await ExpectUsersAsync(tab, ["alice", "bob", "carol"]);
        }

        Step("alice (two tabs), bob and carol are signed in; every page lists alice, bob and carol");

        // 3. Room message.
        await JoinAsync(alice, "lobby");
        await JoinAsync(bob, "lobby");
        await ExpectLineAsync(alice, "system", "bob joined #lobby", "alice sees bob join the room");
        var roomText = $"hello lobby from alice {_nonce}";
        await SendAsync(alice, "room:lobby", roomText);
        var atBob = await ExpectLineAsync(bob, "room", roomText, "alice's room message reaches bob");
        if (atBob.From != "alice" || atBob.Room != "lobby")
        {
            throw new BrowserCheckException($"bob: the room line says from={atBob.From} room={atBob.Room}");
        }

        await ExpectLineAsync(alice, "room", roomText, "alice's room message comes back to alice");
        if (!bob.Frames.Any(f => f.Contains(roomText, StringComparison.Ordinal)))
        {
            throw new BrowserCheckException("bob shows the room message but no frame he received carried it");
        }

        Step("alice and bob joined #lobby; alice's room message reached bob and alice");

        // 4. Private message to every socket of the user.
        var privateText = $"psst alice, bob here {_nonce}";
        await SendAsync(bob, "user:alice", privateText);
        foreach (var tab in new[] { alice, alice2 })
        {
            var line = await ExpectLineAsync(tab, "private", privateText, "bob's private message reaches alice");
            if (line.From != "bob" || line.To != "alice")
            {
                throw new BrowserCheckException($"{tab.Name}: the private line says from={line.From} to={line.To}");
            }
        }

        await ExpectLineAsync(bob, "private", privateText, "bob sees his private message (sent copy)");
        Step("bob's private message reached both of alice's tabs (and bob's copy)");

        // 5. Broadcast from carol, who is in no room; it is also the barrier for the negative checks.
        var broadcastText = $"hi everyone, carol here {_nonce}";
        await SendAsync(carol, "all", broadcastText);
        foreach (var tab in new[] { alice, alice2, bob, carol })
        {
            await ExpectLineAsync(tab, "broadcast", broadcastText, "carol's broadcast reaches everyone");
        }

        await ExpectNoLineAsync(carol, roomText, "carol is not in #lobby");
        await ExpectNoLineAsync(alice2, roomText, "alice's second tab did not join #lobby (rooms are per socket)");
        await ExpectNoLineAsync(carol, privateText, "bob's private message was for alice only");
        Step("carol's broadcast reached all four pages; the room message did not reach carol, the private one only alice");
        var carolShot = await carol.ScreenshotAsync(E2eEnvironment.ArtifactsDir, "chat-carol.png");

        // 6. Leave.
        await LeaveAsync(bob, "lobby");
        await ExpectLineAsync(alice, "system", "bob left #lobby", "alice sees bob leave the room");
        var afterLeave = $"still here? {_nonce}";
        await SendAsync(alice, "room:lobby", afterLeave);
        await ExpectLineAsync(alice, "room", afterLeave, "alice's second room message comes back to alice");
        var barrier = $"after the leave {_nonce}";
        await SendAsync(alice, "all", barrier);
        await ExpectLineAsync(bob, "broadcast", barrier, "alice's later broadcast reaches bob");
        await ExpectNoLineAsync(bob, afterLeave, "bob left #lobby");
        await ExpectNoLineAsync(carol, afterLeave, "carol is not in #lobby");
        Step("bob left #lobby: alice's next room message no longer reached him");

        // 7. Sign out.
        await carol.Page.ClickAsync("#sign-out");
        await carol.Page.WaitForSelectorAsync("#chat", new() { State = WaitForSelectorState.Hidden });
        foreach (var tab in new[] { alice, bob })
        {
            await ExpectUsersAsync(tab, ["alice", "bob"]);
            await ExpectLineAsync(tab, "system", "carol left the chat", "carol's sign-out is announced");
        }

        Step("carol signed out: alice and bob list alice and bob, and say carol left");

        var errors = _tabs.SelectMany(t => t.Events.Where(e => e.StartsWith("pageerror", StringComparison.Ordinal)).Select(e => $"{t.Name}: {e}")).ToArray();
        if (errors.Length > 0)
        {
            throw new BrowserCheckException($"script errors on the pages:\n  {string.Join("\n  ", errors)}");
        }

        string[] shots =
        [
            await alice.ScreenshotAsync(E2eEnvironment.ArtifactsDir, "chat-alice.png"),
            await bob.ScreenshotAsync(E2eEnvironment.ArtifactsDir, "chat-bob.png"),
            carolShot,
        ];
        output.WriteLine($"screenshots: {string.Join(" ", shots)}");
        output.WriteLine($"PASS chat ({ChromiumBrowser.ExecutablePath}) {_baseUrl}/");
    }

    private void Step(string text)
    {
        _lastStep = text;
        output.WriteLine($"ok   {text}");
    }

    private async Task<BrowserTab> OpenAsync(ChromiumBrowser browser, string name)
    {
        var tab = await BrowserTab.OpenAsync(browser, name, _baseUrl, _tabs);
        _tabs.Add(tab);
        return tab;
    }

    private static async Task ExpectTextAsync(BrowserTab tab, string selector, string text, string what)
    {
        try
        {
            await tab.Page.WaitForFunctionAsync(
                "({ selector, text }) => { const el = document.querySelector(selector); return !!el && el.textContent.includes(text); }",
                new { selector, text });
        }
        catch (PlaywrightException)
        {
            var actual = await tab.TryTextContentAsync(selector);
            throw new BrowserCheckException($"{tab.Name}: {what}: {selector} never contained \"{text}\" (it shows \"{actual}\")");
        }
    }

    private static async Task SignInAsync(BrowserTab tab, string nickname)
    {
        await tab.Page.FillAsync("#nickname", nickname);
        var filled = await tab.Page.InputValueAsync("#nickname");
        if (filled != nickname)
        {
            throw new BrowserCheckException($"{tab.Name}: #nickname holds \"{filled}\" after filling in \"{nickname}\"");
        }

        await tab.Page.ClickAsync("#sign-in");
        await ExpectTextAsync(tab, "#chat-status", $"connected as {nickname}", $"sign in as {nickname}");
        await tab.Page.WaitForSelectorAsync("#chat", new() { State = WaitForSelectorState.Visible });
    }

    // The refusal is the server's: the page shows connect_error's message and data as they came.
    private static async Task ExpectRefusedAsync(BrowserTab tab, string nickname, string message, string reason)
    {
        await tab.Page.FillAsync("#nickname", nickname);
        await tab.Page.ClickAsync("#sign-in");
        await ExpectTextAsync(tab, "#chat-error", message, $"nickname \"{nickname}\" refused");
        await ExpectTextAsync(tab, "#chat-error", reason, $"nickname \"{nickname}\" refused with data");
        if (await tab.Page.IsVisibleAsync("#chat"))
        {
            throw new BrowserCheckException($"{tab.Name}: the chat is shown although \"{nickname}\" was refused");
        }

        if (!tab.Frames.Any(f => f.Contains(message, StringComparison.Ordinal)))
        {
            throw new BrowserCheckException($"{tab.Name}: \"{message}\" was shown but no CONNECT_ERROR carried it");
        }
    }

    private static async Task ExpectUsersAsync(BrowserTab tab, string[] names)
    {
        try
        {
            await tab.Page.WaitForFunctionAsync(
                """
                names => {
                  const shown = [...document.querySelectorAll("#users li[data-user]")].map(li => li.dataset.user);
                  return shown.length === names.length && names.every(n => shown.includes(n));
                }
                """,
                names);
        }
        catch (PlaywrightException)
        {
            var shown = await tab.Page.EvalOnSelectorAllAsync<string[]>("#users li[data-user]", "lis => lis.map(li => li.dataset.user)");
            throw new BrowserCheckException($"{tab.Name}: the user list should be [{string.Join(",", names)}], it is [{string.Join(",", shown)}]");
        }
    }

    private sealed record ChatLine(string Text, string? From, string? Room, string? To);

    // The message list's lines of one kind (room, private, broadcast, system, notice, error).
    private static async Task<ChatLine[]> LinesAsync(BrowserTab tab, string kind)
    {
        var json = await tab.Page.EvalOnSelectorAllAsync<string>(
            $"#messages li.msg-{kind}",
            "lis => JSON.stringify(lis.map(li => ({ text: li.textContent, from: li.dataset.from ?? null, room: li.dataset.room ?? null, to: li.dataset.to ?? null })))");
        return JsonSerializer.Deserialize<ChatLine[]>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    private static async Task<string[]> AllLinesAsync(BrowserTab tab) =>
        await tab.Page.EvalOnSelectorAllAsync<string[]>("#messages li", "lis => lis.map(li => `${li.className}: ${li.textContent}`)");

    private static async Task<ChatLine> ExpectLineAsync(BrowserTab tab, string kind, string text, string what)
    {
        try
        {
            await tab.Page.WaitForFunctionAsync(
                "({ kind, text }) => [...document.querySelectorAll(`#messages li.msg-${kind}`)].some(li => li.textContent.includes(text))",
                new { kind, text });
        }
        catch (PlaywrightException)
        {
            var shown = await AllLinesAsync(tab);
            throw new BrowserCheckException($"{tab.Name}: {what}: no {kind} line with \"{text}\"; the list has:\n  {string.Join("\n  ", shown)}");
        }

        return (await LinesAsync(tab, kind)).First(l => l.Text.Contains(text, StringComparison.Ordinal));
    }

    private static async Task ExpectNoLineAsync(BrowserTab tab, string text, string what)
    {
        var found = (await AllLinesAsync(tab)).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
        if (found is not null)
        {
            throw new BrowserCheckException($"{tab.Name}: {what}: unexpected line \"{found}\"");
        }
    }

    // Sends from the composer; the server's ack clears the input (an error ack leaves it and adds an error line).
    private static async Task SendAsync(BrowserTab tab, string target, string text)
    {
        await tab.Page.SelectOptionAsync("#target", target);
        await tab.Page.FillAsync("#text", text);
        await tab.Page.ClickAsync("#send");
        try
        {
            await tab.Page.WaitForFunctionAsync("() => document.querySelector('#text').value === ''");
        }
        catch (PlaywrightException)
        {
            var errors = (await LinesAsync(tab, "error")).Select(e => e.Text);
            throw new BrowserCheckException($"{tab.Name}: sending to {target} was not acknowledged: {JsonSerializer.Serialize(errors)}");
        }
    }

    private static async Task JoinAsync(BrowserTab tab, string room)
    {
        await tab.Page.FillAsync("#room", room);
        await tab.Page.ClickAsync("#join");
        await tab.Page.WaitForSelectorAsync($"#rooms li[data-room=\"{room}\"]");
    }

    private static async Task LeaveAsync(BrowserTab tab, string room)
    {
        await tab.Page.ClickAsync($"#rooms li[data-room=\"{room}\"] button.leave");
        await tab.Page.WaitForSelectorAsync($"#rooms li[data-room=\"{room}\"]", new() { State = WaitForSelectorState.Detached });
    }
}

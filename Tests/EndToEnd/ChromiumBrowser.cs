using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// Headless Debian Chromium (<c>/usr/bin/chromium</c>, or <c>OS_E2E_CHROMIUM</c>) driven by Playwright for .NET: the
/// driver ships inside the Microsoft.Playwright NuGet package (copied to .playwright/ in the test output), no browser is
/// downloaded (<c>playwright install</c> is never run). Every browser gets a fresh <c>--user-data-dir</c> (Playwright's
/// persistent context), deleted on dispose.
/// </summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("OS_E2E_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The bound of every single wait (OS_E2E_BROWSER_TIMEOUT_MS, default 30 s).</summary>
    public static float TimeoutMs =>
        float.TryParse(Environment.GetEnvironmentVariable("OS_E2E_BROWSER_TIMEOUT_MS"), out var ms) && ms > 0 ? ms : 30_000;

    // --user-data-dir=<fresh temp dir> is added by LaunchPersistentContextAsync.
    private static readonly string[] Flags =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private readonly string _userDataDir;

    private ChromiumBrowser(string name, string userDataDir, IBrowserContext context)
    {
        Name = name;
        _userDataDir = userDataDir;
        Context = context;
    }

    public string Name { get; }

    public IBrowserContext Context { get; }

    /// <summary>Fails the test unless the Chromium executable exists.</summary>
    public static void RequireChromium() =>
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} not found: run ./test.sh (it installs the Debian package chromium).");

    public static async Task<ChromiumBrowser> LaunchAsync(IPlaywright playwright, string name, int width, int height)
    {
        var userDataDir = Directory.CreateTempSubdirectory($"os-e2e-chromium-{name}-").FullName;
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Flags,
                ViewportSize = new() { Width = width, Height = height },
                Timeout = TimeoutMs,
            });
            return new ChromiumBrowser(name, userDataDir, context);
        }
        catch (Exception ex)
        {
            TryDelete(userDataDir);
            throw new BrowserCheckException($"{name}: cannot launch {ExecutablePath} with Playwright for .NET: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception)
        {
            // best effort: the browser may already be gone
        }

        TryDelete(_userDataDir);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// A tab of a <see cref="ChromiumBrowser"/> that records what the server sent it (received WebSocket text frames and
/// polling GET response bodies) and the page's console messages, script errors and failed requests.
/// </summary>
internal sealed class BrowserTab
{
    private readonly ConcurrentQueue<string> _frames = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<string> _sent = new();

    private BrowserTab(string name, IPage page)
    {
        Name = name;
        Page = page;
        page.SetDefaultTimeout(ChromiumBrowser.TimeoutMs);
        page.Console += (_, msg) => _events.Enqueue($"console.{msg.Type}: {msg.Text}");
        page.PageError += (_, error) => _events.Enqueue($"pageerror: {error}");
        page.RequestFailed += (_, request) => _events.Enqueue($"requestfailed: {request.Url} {request.Failure}");
        page.WebSocket += (_, ws) =>
        {
            _events.Enqueue($"websocket: {ws.Url}");
            ws.FrameReceived += (_, frame) =>
            {
                if (frame.Text is { } text)
                {
                    _frames.Enqueue($"ws: {text}");
                }
            };
            // Only for failure reports: what the page sent (Frames is what the server sent).
            ws.FrameSent += (_, frame) =>
            {
                if (frame.Text is { } text)
                {
                    _sent.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} ws sent: {text}");
                }
            };
        };
        page.Response += async (_, response) =>
        {
            if (!response.Url.Contains("transport=polling", StringComparison.Ordinal) || response.Request.Method != "GET")
            {
                return;
            }

            try
            {
                _frames.Enqueue($"polling: {await response.TextAsync()}");
            }
            catch (Exception)
            {
                // the body is no longer available (page navigated or closed)
            }
        };
    }

    public string Name { get; }

    public IPage Page { get; }

    /// <summary>Records what <paramref name="page"/>, already open, receives from now on.</summary>
    public static BrowserTab Attach(string name, IPage page) => new(name, page);

    /// <summary>What the server sent this tab so far ("ws: ..." frames and "polling: ..." bodies).</summary>
    public IReadOnlyList<string> Frames => [.. _frames];

    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>Opens <paramref name="baseUrl"/>/ in a tab of <paramref name="browser"/> not used by any of <paramref name="taken"/>.</summary>
    public static async Task<BrowserTab> OpenAsync(ChromiumBrowser browser, string name, string baseUrl, IEnumerable<BrowserTab> taken)
    {
        var used = taken.Select(t => t.Page).ToHashSet();
        var page = browser.Context.Pages.FirstOrDefault(p => !used.Contains(p)) ?? await browser.Context.NewPageAsync();
        var tab = new BrowserTab(name, page);
        var url = $"{baseUrl.TrimEnd('/')}/";
        var response = await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });
        if (response is not { Ok: true })
        {
            throw new BrowserCheckException($"{name}: GET {url} answered {(response is null ? "nothing" : response.Status.ToString())}");
        }

        return tab;
    }

    /// <summary>Waits (bounded) until something the server sent contains <paramref name="text"/>; returns it or null.</summary>
    public async Task<string?> WaitForFrameAsync(string text, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var found = _frames.FirstOrDefault(f => f.Contains(text, StringComparison.Ordinal));
            if (found is not null || DateTime.UtcNow >= deadline)
            {
                return found;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The element's text content, or null when there is none (or it cannot be read within 5 s).</summary>
    public async Task<string?> TryTextContentAsync(string selector)
    {
        try
        {
            return await Page.TextContentAsync(selector, new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    public async Task<string> ScreenshotAsync(string directory, string file)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, file);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Best effort after a failure: a screenshot, the page's text and its recorded events.</summary>
    public async Task<string> DescribeFailureAsync(string directory, string file)
    {
        var text = new StringBuilder();
        try
        {
            var path = await ScreenshotAsync(directory, file).WaitAsync(TimeSpan.FromSeconds(15));
            text.AppendLine($"--- {Name}: screenshot {path}");
            var body = await Page.InnerTextAsync("body", new() { Timeout = 5_000 });
            var flat = Regex.Replace(body.Trim(), @"\s+", " ");
            text.AppendLine($"page text: {flat[..Math.Min(flat.Length, 800)]}");
        }
        catch (Exception ex)
        {
            text.AppendLine($"--- {Name}: no screenshot/page text ({ex.Message})");
        }

        if (Events.Count > 0)
        {
            text.AppendLine($"page events:\n  {string.Join("\n  ", Events)}");
        }

        text.AppendLine($"last frames received:\n  {string.Join("\n  ", _frames.TakeLast(12))}");
        text.AppendLine($"last frames sent:\n  {string.Join("\n  ", _sent.TakeLast(12))}");

        return text.ToString();
    }
}

/// <summary>A failed browser check; its message says which one and why.</summary>
internal sealed class BrowserCheckException(string message) : Exception(message);

using System.Text;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// What handlers emit is written as Node's JSON.stringify writes it: apostrophes, HTML characters and non-ASCII text
/// as they are (UTF-8), not as <c>\uXXXX</c> escapes (System.Text.Json's HTML-safe default, which also makes
/// non-Latin text up to six times larger). Quotes, backslashes and control characters are still escaped, and so are
/// characters outside the BMP such as emoji (System.Text.Json's encoders always escape surrogate pairs; the client
/// decodes them the same).
/// </summary>
public class PayloadEscapingTests
{
    [Fact]
    public void Emitted_text_is_not_html_escaped()
    {
        var payload = PayloadSerializer.Serialize("I'm connected!", new { data = "café <b> & 日本" });

        Assert.Equal("""["I'm connected!",{"data":"café <b> & 日本"}]""", Encoding.UTF8.GetString(payload.ArgsJson));
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_are_still_escaped()
    {
        var payload = PayloadSerializer.Serialize("\"\\\n\u0001");

        Assert.Equal("""["\"\\\n\u0001"]""", Encoding.UTF8.GetString(payload.ArgsJson));
    }

    [Fact]
    public async Task Connect_error_data_is_not_html_escaped()
    {
        var host = TestHost.Create(io => io.OnConnect(() =>
        {
            throw new ConnectionRefusedException("no", new { reason = "can't <connect>" });
        }));

        var result = await host.Registry.Connect(new FakeSocket(), host.Services);

        Assert.Equal("""{"reason":"can't <connect>"}""", Encoding.UTF8.GetString(result.ErrorDataJson!));
    }
}

using System.Text.Json;

namespace OrleansSocket.Tests.Handlers;

/// <summary>
/// A handler with nothing in front of it binds straight from the payload's JSON; behind packet middleware it binds
/// from the parsed elements. Both must give the same values, and refuse the same arguments with the same message.
/// </summary>
public class BindFromJsonTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "scalars", """["text", 3, 2.5, true, 9000000000]""" },
        { "scalars", """["text", "3", 2.5, true]""" },
        { "scalars", """["text", 3.5]""" },
        { "scalars", """["text", 3, 2.5, true, 1, "extra"]""" },
        { "scalars", """[null, 3]""" },
        { "scalars", "[]" },
        { "typed", """[{"text":"a","COUNT":2}, {"nested":[1,{"x":null}]}, "Green", null]""" },
        { "typed", """[{"text":"a","count":2}, 7, 1, [1]]""" },
        { "typed", """[{"text":"a","count":"two"}]""" },
        { "typed", """[[], {}, "Blue"]""" },
        { "binary", """["aGk=", {"_placeholder":true,"num":0}]""" },
        { "binary", """["aGk="]""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Direct_and_middleware_paths_bind_alike(string signature, string argsJson)
    {
        var direct = await BindAsync(signature, argsJson, withMiddleware: false);
        var parsed = await BindAsync(signature, argsJson, withMiddleware: true);

        Assert.Equal(parsed, direct);
    }

    private static async Task<string> BindAsync(string signature, string argsJson, bool withMiddleware)
    {
        string? seen = null;
        var host = TestHost.Create(io =>
        {
            if (withMiddleware) io.UsePacket((s, ev, args, next) => next());
            switch (signature)
            {
                case "scalars":
                    io.On("e", (string s, int i, double d = 1.5, bool? b = null, long l = 4) => seen = TestHost.Json(new object?[] { s, i, d, b, l }));
                    break;
                case "typed":
                    io.On("e", (Payload p, object? o, Color? c, JsonElement? e) => seen = TestHost.Json(new object?[] { p, o, c, e }));
                    break;
                default:
                    io.On("e", (byte[] a, byte[]? b) => seen = TestHost.Json(new object?[] { a, b }));
                    break;
            }
        });
        var ack = await host.DispatchRaw(new FakeSocket(), "e", argsJson);
        var errors = string.Join(" | ", host.Errors.Select(e => $"{e.Error.GetType().Name}: {e.Error.Message}"));
        return $"seen {seen ?? "nothing"}; ack {TestHost.Json(ack)}; errors {errors}";
    }
}

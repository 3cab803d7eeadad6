using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSocket.Tests.Handlers;

public record Upload(string Name, byte[] Content);

public enum Color { Red, Green }

public class BindingTests
{
    private static async Task<object?[]> Capture(Action<ISocketIOBuilder, Action<object?[]>> register, string argsJson, byte[][]? attachments = null)
    {
        object?[]? seen = null;
        var host = TestHost.Create(io => register(io, values => seen = values));
        await host.DispatchRaw(new FakeSocket(), "e", argsJson, attachments);
        Assert.Empty(host.Errors);
        Assert.NotNull(seen);
        return seen;
    }

    [Fact]
    public async Task Scalars_bind_positionally()
    {
        var seen = await Capture((io, see) => io.On("e", (string s, int i, double d, bool b, long l) => see([s, i, d, b, l])),
            """["text", 3, 2.5, true, 9000000000]""");

        Assert.Equal(new object?[] { "text", 3, 2.5, true, 9000000000L }, seen);
    }

    [Fact]
    public async Task Typed_record_binds_with_web_defaults()
    {
        var seen = await Capture((io, see) => io.On("e", (Payload p) => see([p])), """[{"text":"a","COUNT":2}]""");

        Assert.Equal(new Payload("a", 2), seen[0]);
    }

    [Fact]
    public async Task Enum_and_numbers_from_strings_bind()
    {
        var seen = await Capture((io, see) => io.On("e", (Color c, int n) => see([c, n])), """[1, "5"]""");

        Assert.Equal(new object?[] { Color.Green, 5 }, seen);
    }

    [Fact]
    public async Task JsonElement_takes_anything()
    {
        var seen = await Capture((io, see) => io.On("e", (JsonElement a, JsonElement b) => see([a, b])), """[[1,2], null]""");

        Assert.Equal(JsonValueKind.Array, ((JsonElement)seen[0]!).ValueKind);
        Assert.Equal(JsonValueKind.Null, ((JsonElement)seen[1]!).ValueKind);
    }

    [Fact]
    public async Task Byte_array_binds_from_placeholder()
    {
        var seen = await Capture((io, see) => io.On("e", (string name, byte[] data) => see([name, data])),
            """["f", {"_placeholder":true,"num":0}]""", [[1, 2, 3]]);

        Assert.Equal([1, 2, 3], (byte[])seen[1]!);
    }

    [Fact]
    public async Task Byte_array_nested_in_typed_object_binds_from_placeholder()
    {
        var seen = await Capture((io, see) => io.On("e", (Upload u, ReadOnlyMemory<byte> more) => see([u, more])),
            """[{"name":"f","content":{"_placeholder":true,"num":1}}, {"_placeholder":true,"num":0}]""", [[9], [7, 8]]);

        var upload = (Upload)seen[0]!;
        Assert.Equal("f", upload.Name);
        Assert.Equal([7, 8], upload.Content);
        Assert.Equal([9], ((ReadOnlyMemory<byte>)seen[1]!).ToArray());
    }

    [Fact]
    public async Task Rest_object_array_takes_remaining_arguments_as_natural_values()
    {
        var seen = await Capture((io, see) => io.On("e", (string first, object?[] rest) => see([first, rest])),
            """["a", 1, 2.5, "s", true, null, {"_placeholder":true,"num":0}, {"k":1}, 10000000000]""", [[5]]);

        var rest = (object?[])seen[1]!;
        Assert.Equal(8, rest.Length);
        Assert.Equal(new object?[] { 1, 2.5, "s", true, null }, rest[..5]);
        Assert.Equal([5], (byte[])rest[5]!);
        Assert.Equal(1, ((JsonElement)rest[6]!).GetProperty("k").GetInt32());
        Assert.Equal(10000000000L, rest[7]);
    }

    [Fact]
    public async Task Rest_JsonElement_array_may_be_empty()
    {
        var seen = await Capture((io, see) => io.On("e", (string first, JsonElement[] rest) => see([first, rest])), """["a"]""");

        Assert.Empty((JsonElement[])seen[1]!);
    }

    [Fact]
    public async Task Params_typed_array_takes_remaining_arguments()
    {
        object?[]? seen = null;
        var host = TestHost.Create(io => io.AddHandlers<ParamsHandler>(), s => s.AddSingleton<Action<object?[]>>(v => seen = v));

        await host.DispatchRaw(new FakeSocket(), "sum", """[1, 2, 3]""");

        Assert.Empty(host.Errors);
        Assert.Equal(new object?[] { 1, new[] { 2, 3 } }, seen);
    }

    public class ParamsHandler(Action<object?[]> see)
    {
        [On("sum")]
        public void Sum(int first, params int[] others) => see([first, others]);
    }

    [Fact]
    public async Task Optional_and_nullable_parameters_get_defaults_when_missing()
    {
        var seen = await Capture((io, see) => io.On("e",
            (string a, int b = 7, string? c = null, int? d = null, Color e = Color.Green, JsonElement? f = null) => see([a, b, c, d, e, f])),
            """["x"]""");

        Assert.Equal(new object?[] { "x", 7, null, null, Color.Green, null }, seen);
    }

    [Fact]
    public async Task Nullable_reference_parameter_without_default_is_optional()
    {
        object?[]? seen = null;
        var host = TestHost.Create(io => io.AddHandlers<NullableHandler>(), s => s.AddSingleton<Action<object?[]>>(v => seen = v));

        await host.DispatchRaw(new FakeSocket(), "n", """["a"]""");

        Assert.Empty(host.Errors);
        Assert.Equal(new object?[] { "a", null }, seen);
    }

    public class NullableHandler(Action<object?[]> see)
    {
        [On("n")]
        public void Handle(string a, string? b) => see([a, b]);
    }

    [Fact]
    public async Task Context_parameters_are_injected_in_any_position()
    {
        var socket = new FakeSocket();
        object?[]? seen = null;
        var host = TestHost.Create(io => io.On("e", (int a, IServiceProvider sp, ISocket s, CancellationToken ct, int b) => { seen = [a, sp, s, ct, b]; }));

        await host.DispatchRaw(socket, "e", "[1, 2]");

        Assert.Empty(host.Errors);
        Assert.Equal(1, seen![0]);
        // The invocation's DI scope, not the provider it was made from (ScopePerInvocationTests).
        Assert.NotSame(host.Services, Assert.IsAssignableFrom<IServiceProvider>(seen[1]));
        Assert.Same(socket, seen[2]);
        Assert.Equal(CancellationToken.None, seen[3]);
        Assert.Equal(2, seen[4]);
    }

    [Fact]
    public async Task Cancellation_token_comes_from_the_caller()
    {
        using var cts = new CancellationTokenSource();
        CancellationToken seen = default;
        var host = TestHost.Create(io => io.On("e", (CancellationToken ct) => seen = ct));

        await host.Registry.Dispatch(new FakeSocket(), TestHost.Event("e"), host.Services, cts.Token);

        Assert.Equal(cts.Token, seen);
    }

    [Fact]
    public async Task Object_parameter_gets_natural_value()
    {
        var seen = await Capture((io, see) => io.On("e", (object a, object? b) => see([a, b])), """["s", null]""");

        Assert.Equal(new object?[] { "s", null }, seen);
    }

    [Fact]
    public async Task Base64_string_binds_to_byte_array()
    {
        var seen = await Capture((io, see) => io.On("e", (byte[] b) => see([b])), $"[\"{Convert.ToBase64String(Encoding.UTF8.GetBytes("hi"))}\"]");

        Assert.Equal("hi", Encoding.UTF8.GetString((byte[])seen[0]!));
    }
}

using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Handlers;

/// <summary>Builds a registry the way the silo does (through the service collection) and makes client events.</summary>
public sealed class TestHost
{
    private TestHost(SocketIOHandlerRegistry registry, IServiceProvider services)
    {
        Registry = registry;
        Services = services;
    }

    internal SocketIOHandlerRegistry Registry { get; }
    public IServiceProvider Services { get; }
    public List<(string Namespace, Exception Error, string Event)> Errors { get; } = [];

    /// <summary>With <paramref name="captureErrors"/>, a default error handler records into <see cref="Errors"/>.</summary>
    public static TestHost Create(Action<ISocketIOBuilder> configure, Action<IServiceCollection>? services = null, bool captureErrors = true)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        TestHost? host = null;
        collection.AddSocketIOHandlers(configure);
        if (captureErrors)
            collection.AddSocketIOHandlers(io => io.OnErrorDefault((s, e, ev) =>
            {
                host!.Errors.Add((s.Namespace, e, ev));
                return Task.CompletedTask;
            }));
        var provider = collection.BuildServiceProvider();
        host = new TestHost(provider.GetRequiredService<SocketIOHandlerRegistry>(), provider);
        return host;
    }

    public Task<SocketPayload?> Dispatch(ISocket socket, string eventName, params object?[] args) =>
        Registry.Dispatch(socket, Event(eventName, args), Services);

    public Task<SocketPayload?> DispatchRaw(ISocket socket, string eventName, string argsJson, byte[][]? attachments = null, bool wantsAck = true) =>
        Registry.Dispatch(socket, new ClientEvent(eventName, new SocketPayload(Encoding.UTF8.GetBytes(argsJson), attachments), wantsAck), Services);

    internal static ClientEvent Event(string eventName, params object?[] args) =>
        new(eventName, PayloadSerializer.Serialize(args), WantsAck: true);

    public static string Json(SocketPayload? payload) => payload is null ? "<no ack>" : Encoding.UTF8.GetString(payload.ArgsJson);

    public static string Json(object? value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}

using System.Text.Json;

namespace OrleansSocket.Grains.Handlers;

/// <summary>Runs middleware in order, each deciding whether to call the next (and finally the terminal step).</summary>
internal static class MiddlewarePipeline
{
    public static Task RunConnect(List<Func<ISocket, Func<Task>, Task>> middleware, ISocket socket, Func<Task> terminal)
    {
        return Step(0);
        Task Step(int i) => i < middleware.Count ? middleware[i](socket, () => Step(i + 1)) : terminal();
    }

    public static Task RunPacket(List<Func<ISocket, string, JsonElement[], Func<Task>, Task>> middleware, ISocket socket,
        string eventName, JsonElement[] args, Func<Task> terminal)
    {
        return Step(0);
        Task Step(int i) => i < middleware.Count ? middleware[i](socket, eventName, args, () => Step(i + 1)) : terminal();
    }
}

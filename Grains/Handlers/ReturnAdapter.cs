using System.Reflection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>
/// Turns the task a handler returned into its result, awaiting it. Chosen once per handler from the declared
/// return type; the generic cases are closed and bound to delegates at registration, not per call. Handlers
/// that return a value (or nothing) synchronously need none: <see cref="HandlerInvoker"/> takes their result as it is.
/// </summary>
/// <remarks>No <c>ConfigureAwait(false)</c> here or anywhere in the dispatcher: it runs inside the socket
/// grain, and continuations must stay on the grain's scheduler.</remarks>
internal sealed class ReturnAdapter
{
    private static readonly MethodInfo AwaitTaskOfT =
        typeof(ReturnAdapter).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskOfT =
        typeof(ReturnAdapter).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<object?, Task<object?>> _adapt;

    private ReturnAdapter(Func<object?, Task<object?>> adapt) => _adapt = adapt;

    /// <summary>The adapter for an awaitable <paramref name="returnType"/>; null for any other type.</summary>
    public static ReturnAdapter? For(Type returnType)
    {
        if (returnType == typeof(Task))
            return new(AwaitPlainTask);
        if (returnType == typeof(ValueTask))
            return new(AwaitPlainValueTask);
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            return new(AwaitTaskOfT.MakeGenericMethod(returnType.GetGenericArguments()).CreateDelegate<Func<object?, Task<object?>>>());
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            return new(AwaitValueTaskOfT.MakeGenericMethod(returnType.GetGenericArguments()).CreateDelegate<Func<object?, Task<object?>>>());
        return null;
    }

    public Task<object?> Adapt(object? returned) => _adapt(returned);

    private static async Task<object?> AwaitPlainTask(object? returned)
    {
        if (returned is Task task)
            await task;
        return HandlerInvoker.NoValue;
    }

    private static async Task<object?> AwaitPlainValueTask(object? returned)
    {
        await (ValueTask)returned!;
        return HandlerInvoker.NoValue;
    }

    private static async Task<object?> AwaitTask<T>(object? returned) =>
        returned is null ? null : await (Task<T>)returned;

    private static async Task<object?> AwaitValueTask<T>(object? returned) => await (ValueTask<T>)returned!;
}

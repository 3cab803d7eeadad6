using System.Reflection;

namespace OrleansSocket.Tests.Sessions;

/// <summary>
/// A fake of any interface, answering by method name (a property getter is <c>get_Name</c>). What has no answer
/// returns a completed task (of default) or default, so interfaces that grow do not break the tests using them.
/// </summary>
public class Fake<T> : DispatchProxy where T : class
{
    private Dictionary<string, Func<object?[], object?>> _answers = [];

    public static T Create(Dictionary<string, Func<object?[], object?>> answers)
    {
        var proxy = DispatchProxy.Create<T, Fake<T>>();
        ((Fake<T>)(object)proxy)._answers = answers;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_answers.TryGetValue(targetMethod.Name, out var answer)) return answer(args ?? []);
        var type = targetMethod.ReturnType;
        if (type == typeof(Task)) return Task.CompletedTask;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = type.GetGenericArguments()[0] is { IsValueType: true } value ? Activator.CreateInstance(value) : null;
            return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(type.GetGenericArguments()[0]).Invoke(null, [result]);
        }
        return type.IsValueType && type != typeof(void) ? Activator.CreateInstance(type) : null;
    }
}

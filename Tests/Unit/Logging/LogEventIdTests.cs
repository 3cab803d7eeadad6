using System.Reflection;
using Microsoft.Extensions.Logging;
using OrleansSocket.Gateway.Sessions;
using OrleansSocket.Grains.Handlers;

namespace OrleansSocket.Tests.Logging;

/// <summary>
/// Every log line of the product goes through a <c>[LoggerMessage]</c> method of a <c>*Log</c> class, with an event id
/// of its own: a dashboard filtering on an id sees one kind of line, in one place.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly string[] Names = ["Gateway", "Grains"];

    public static TheoryData<string> Assemblies => new(Names);

    private static Assembly Load(string name) => name switch
    {
        "Gateway" => typeof(SocketIOServer).Assembly,
        "Grains" => typeof(SocketIOHandlerRegistry).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static List<(MethodInfo Method, LoggerMessageAttribute Attribute)> LogMethods(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(x => x.Attribute is not null)];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Event_ids_are_set_and_unique_in_the_assembly(string name)
    {
        var methods = LogMethods(Load(name));
        Assert.True(methods.Count >= 10, $"only {methods.Count} [LoggerMessage] methods found in {name}");
        Assert.All(methods, m => Assert.True(m.Attribute.EventId > 0, $"{m.Method.DeclaringType!.Name}.{m.Method.Name} has no event id"));
        var duplicates = methods.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method.DeclaringType!.Name + "." + m.Method.Name))}");
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Event_ids_are_unique_across_the_gateway_and_the_grains()
    {
        var ids = Names.SelectMany(n => LogMethods(Load(n))).Select(m => m.Attribute.EventId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Log_methods_live_in_Log_classes_one_id_range_each(string name)
    {
        foreach (var group in LogMethods(Load(name)).GroupBy(m => m.Method.DeclaringType!))
        {
            Assert.EndsWith("Log", group.Key.Name);
            // One area, one range of a hundred ids (EngineIO 1000–1099, Sessions 1100–1199, ...).
            Assert.Single(group.Select(m => m.Attribute.EventId / 100).Distinct());
        }
    }
}

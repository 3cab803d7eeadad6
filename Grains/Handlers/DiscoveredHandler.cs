using System.Reflection;

namespace OrleansSocket.Grains.Handlers;

/// <summary>A handler method found on a class, with the namespace and event it handles.</summary>
internal readonly record struct DiscoveredHandler(string Namespace, string EventName, MethodInfo Method);

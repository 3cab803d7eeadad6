using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansSocket.Tests.Hosting;

/// <summary>
/// <c>UseSocketIOInlineIO()</c>: the runtime's inline socket completions on unless the environment says otherwise, and
/// Kestrel's inline scheduling exactly when they are on (alone it costs more than neither).
/// </summary>
public sealed class InlineIOTests
{
    private const string Variable = SocketIOWebHostBuilderExtensions.InlineCompletionsVariable;

    /// <summary>Applies the method on an environment of one variable; the variable afterwards and Kestrel's setting.</summary>
    private static (string? Variable, bool InlineScheduling) Apply(string? environment)
    {
        var value = environment;
        var builder = WebApplication.CreateSlimBuilder();
        SocketIOWebHostBuilderExtensions.UseSocketIOInlineIO(builder.WebHost,
            name => name == Variable ? value : null, set => value = set);
        using var app = builder.Build();
        return (value, app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public void Unset_it_sets_the_variable_and_schedules_inline()
    {
        Assert.Equal(("1", true), Apply(null));
    }

    [Fact]
    public void Set_to_one_it_keeps_it_and_schedules_inline()
    {
        Assert.Equal(("1", true), Apply("1"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("")]
    [InlineData("true")] // the runtime reads "1" only
    public void Set_to_anything_else_it_changes_nothing(string environment)
    {
        Assert.Equal((environment, false), Apply(environment));
    }

    [Fact]
    public void Without_the_method_Kestrel_does_not_schedule_inline()
    {
        using var app = WebApplication.CreateSlimBuilder().Build();
        Assert.False(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }
}

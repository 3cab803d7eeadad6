namespace OrleansSocket;

/// <summary>The socket grain's answer to a namespace CONNECT.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSocket.ConnectResult")]
public sealed record ConnectResult(
    [property: Id(0)] bool Accepted,
    /// <summary>For a refusal: the CONNECT_ERROR message.</summary>
    [property: Id(1)] string? ErrorMessage = null,
    /// <summary>For a refusal: the CONNECT_ERROR <c>data</c> as UTF-8 JSON, or null.</summary>
    [property: Id(2)] byte[]? ErrorDataJson = null)
{
    public static readonly ConnectResult Ok = new(true);
}

using Microsoft.Extensions.Logging;

namespace OrleansSocket.Grains.Streaming;

internal static partial class StreamingLog
{
    [LoggerMessage(2500, LogLevel.Warning, "Stream queue {Queue}: listening on its doorbell grain failed; a broadcast from another process waits for the next pull until the next renewal")]
    public static partial void ListenFailed(ILogger logger, string queue, Exception exception);
}

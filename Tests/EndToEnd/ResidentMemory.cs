namespace OrleansSocket.Tests.EndToEnd;

/// <summary>A process's resident memory (VmRSS in /proc/PID/status), read now or sampled for its peak.</summary>
internal sealed class ResidentMemory : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;

    private ResidentMemory(int pid)
    {
        _pid = pid;
        _peak = Read(pid);
        _sampler = Task.Run(SampleAsync);
    }

    /// <summary>The highest value seen since <see cref="StartSampling"/>, in bytes.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Samples the process's resident memory every 20 ms until disposed.</summary>
    public static ResidentMemory StartSampling(int pid) => new(pid);

    /// <summary>VmRSS of the process, in bytes.</summary>
    public static long Read(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes) * 1024;
        }
        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = Read(_pid);
            if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
            await Task.Delay(20, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

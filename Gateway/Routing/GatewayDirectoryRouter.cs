using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSocket.Gateway.EngineIO;
using OrleansSocket.Gateway.Hosting;

namespace OrleansSocket.Gateway.Routing;

/// <summary>
/// Finds the gateway holding an Engine.IO session through the cluster's <see cref="IGatewayDirectoryGrain"/>:
/// every session id starts with this gateway's random tag, and the directory maps tags to HTTP addresses.
/// <para>
/// Cost: nothing per session and nothing for a request whose session is local (the endpoint finds it first).
/// A foreign tag is looked up in a local copy of the directory; a tag missing from it refreshes the copy with one
/// grain call, at most every <see cref="MinRefreshInterval"/> however many requests miss.
/// </para>
/// </summary>
internal sealed partial class GatewayDirectoryRouter : IEngineSessionRouter, IHostedService, IDisposable
{
    /// <summary>Characters of the tag: 6 random bytes in base64url.</summary>
    public const int TagLength = 8;

    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(90);
    internal static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    internal static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly IGrainFactory _grains;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly SocketIOOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _refreshLock = new();
    private Task? _refresh;
    private long _lastRefreshStart;
    private Task? _loop;
    private bool _registered;

    public GatewayDirectoryRouter(IGrainFactory grains, IServer server, IHostApplicationLifetime lifetime, IOptions<SocketIOOptions> options,
        ILogger<GatewayDirectoryRouter> logger, TimeProvider? time = null)
    {
        _grains = grains;
        _server = server;
        _lifetime = lifetime;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _lastRefreshStart = _time.GetTimestamp() - (long)(MinRefreshInterval.TotalSeconds * _time.TimestampFrequency);
    }

    public string LocalPrefix { get; private set; } = NewTag();

    public Task Ready => _ready.Task;

    /// <summary>The address registered for this gateway, once known.</summary>
    public string? Address { get; private set; }

    private IGatewayDirectoryGrain Directory => _grains.GetGrain<IGatewayDirectoryGrain>(IGatewayDirectoryGrain.Key);

    // ---------------- lookups ----------------

    public ValueTask<Uri?> FindOwnerAsync(string sid, CancellationToken cancellationToken)
    {
        if (sid.Length <= TagLength) return default;
        var tag = sid[..TagLength];
        if (tag == LocalPrefix) return default;
        if (_owners.TryGetValue(tag, out var owner)) return new(owner.Address);
        return LookUpAsync(tag, cancellationToken);
    }

    private async ValueTask<Uri?> LookUpAsync(string tag, CancellationToken cancellationToken)
    {
        var missedAt = _time.GetTimestamp();
        // Two rounds at most: a refresh already running may have started before the tag was registered.
        for (var round = 0; round < 2; round++)
        {
            var (refresh, startedAt) = Refresh();
            await refresh.WaitAsync(cancellationToken);
            if (_owners.TryGetValue(tag, out var owner)) return owner.Address;
            if (startedAt >= missedAt) break;
        }
        return null;
    }

    /// <summary>The refresh running, or a new one (spaced by <see cref="MinRefreshInterval"/>), with when it starts.</summary>
    private (Task Refresh, long StartedAt) Refresh()
    {
        lock (_refreshLock)
        {
            if (_refresh is { IsCompleted: false }) return (_refresh, _lastRefreshStart);
            var now = _time.GetTimestamp();
            var wait = MinRefreshInterval - _time.GetElapsedTime(_lastRefreshStart, now);
            if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            _lastRefreshStart = now + (long)(wait.TotalSeconds * _time.TimestampFrequency);
            _refresh = RefreshAsync(wait);
            return (_refresh, _lastRefreshStart);
        }
    }

    private async Task RefreshAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time);
            Merge(await Directory.Snapshot());
        }
        catch (Exception ex)
        {
            LogRefreshFailed(ex);
        }
    }

    /// <summary>
    /// Takes the directory's entries. One missing from it is kept for a lease more (the directory may have just been
    /// reactivated empty, before the gateways renewed), then dropped.
    /// </summary>
    private void Merge(Dictionary<string, string> snapshot)
    {
        var now = _time.GetTimestamp();
        foreach (var (tag, address) in snapshot)
        {
            if (tag == LocalPrefix) continue;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri)) continue;
            _owners[tag] = new Owner(uri, now);
        }
        foreach (var (tag, owner) in _owners)
            if (!snapshot.ContainsKey(tag) && _time.GetElapsedTime(owner.SeenAt, now) > Lease)
                _owners.TryRemove(new KeyValuePair<string, Owner>(tag, owner));
    }

    // ---------------- registration ----------------

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.ForwardSessions)
        {
            _ready.TrySetResult();
            return Task.CompletedTask;
        }
        // Kestrel's addresses are known once the server started (a port 0 is bound by then).
        _lifetime.ApplicationStarted.Register(() => _loop = RunAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // shutting down
            }
        }
        if (!_registered) return;
        try
        {
            await Directory.Unregister(LocalPrefix).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex)
        {
            LogUnregisterFailed(ex); // the lease runs out instead
        }
    }

    /// <summary>Registers this gateway, then renews the lease and refreshes the local copy every <see cref="Renewal"/>.</summary>
    private async Task RunAsync(CancellationToken stopping)
    {
        string address;
        try
        {
            address = AdvertisedAddress();
        }
        catch (Exception ex)
        {
            LogNoAddress(ex);
            _ready.TrySetResult(); // local sessions still work
            return;
        }
        Address = address;
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (await Directory.Register(LocalPrefix, address, Lease))
                {
                    if (!_registered) LogRegistered(LocalPrefix, address);
                    _registered = true;
                }
                else if (!_ready.Task.IsCompleted)
                {
                    LocalPrefix = NewTag(); // taken by another gateway (1 in 2^48): no session id was handed out yet
                    continue;
                }
                else
                {
                    LogTagTaken(LocalPrefix);
                }
                Merge(await Directory.Snapshot());
                _ready.TrySetResult();
                delay = Renewal;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                LogRegisterFailed(ex, address);
                _ready.TrySetResult(); // serve local sessions meanwhile; other gateways find ours once registered
                delay = RetryDelay;
            }
            catch (Exception)
            {
                return;
            }
            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary><see cref="SocketIOOptions.AdvertisedUrl"/>, else the first TCP address Kestrel bound (wildcard host → host name).</summary>
    internal string AdvertisedAddress()
    {
        if (!string.IsNullOrWhiteSpace(_options.AdvertisedUrl))
        {
            var configured = new Uri(_options.AdvertisedUrl, UriKind.Absolute);
            return configured.GetLeftPart(UriPartial.Authority);
        }
        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var binding = BindingAddress.Parse(address);
            if (binding.IsUnixPipe || binding.IsNamedPipe) continue;
            var host = binding.Host is "*" or "+" or "0.0.0.0" or "[::]" or "::" ? Dns.GetHostName() : binding.Host;
            return new UriBuilder(binding.Scheme, host, binding.Port).Uri.GetLeftPart(UriPartial.Authority);
        }
        throw new InvalidOperationException(
            $"No TCP address is bound ({string.Join(", ", addresses)}): set {SocketIOOptions.Section}:{nameof(SocketIOOptions.AdvertisedUrl)}.");
    }

    private static string NewTag()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    public void Dispose() => _stopping.Dispose();

    private sealed record Owner(Uri Address, long SeenAt);

    [LoggerMessage(1, LogLevel.Information, "Gateway registered as {Tag} at {Address}: it serves sessions of the other gateways (no sticky sessions)")]
    private partial void LogRegistered(string tag, string address);

    [LoggerMessage(2, LogLevel.Warning, "Registering this gateway at {Address} failed; retrying")]
    private partial void LogRegisterFailed(Exception exception, string address);

    [LoggerMessage(3, LogLevel.Error, "This gateway's tag {Tag} is registered by another gateway")]
    private partial void LogTagTaken(string tag);

    [LoggerMessage(4, LogLevel.Error, "No address to register this gateway at: its sessions are not reachable from other gateways")]
    private partial void LogNoAddress(Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Refreshing the gateway directory failed")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Unregistering this gateway failed")]
    private partial void LogUnregisterFailed(Exception exception);
}

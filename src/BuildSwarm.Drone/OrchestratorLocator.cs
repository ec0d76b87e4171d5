using BuildSwarm.Core.Contracts;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone;

/// <summary>
/// Which orchestrator this drone talks to: the configured one, else the gateway's discovery answer for its
/// site (cached for a minute) — primary first, then secondary. When the current one stops answering the
/// drone moves to the next.
/// </summary>
public sealed partial class OrchestratorLocator(HttpClient http, DroneOptions options, TimeProvider time, ILogger<OrchestratorLocator> logger) : IDisposable
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(60);
    private const string FallbackUrl = "http://127.0.0.1:8091";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _discovered = [];
    private DateTimeOffset _discoveredAt = DateTimeOffset.MinValue;
    private string? _current;

    public string? Current => _current;

    public async Task<string> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _current ??= await PickAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The orchestrator at <paramref name="failedUrl"/> did not answer: pick another (no-op if already moved on).</summary>
    public async Task FailoverAsync(string failedUrl, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current != failedUrl)
            {
                return;
            }

            _failed.Add(failedUrl);
            _current = await PickAsync(cancellationToken);
            if (_current != failedUrl)
            {
                LogRehomed(failedUrl, _current);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<string> PickAsync(CancellationToken cancellationToken)
    {
        if (options.GatewayUrl is { Length: > 0 } && time.GetUtcNow() - _discoveredAt >= CacheTime)
        {
            await DiscoverAsync(options.GatewayUrl, cancellationToken);
        }

        var candidates = new List<string>();
        if (options.OrchestratorUrl is { Length: > 0 } configured)
        {
            candidates.Add(configured.TrimEnd('/'));
        }

        candidates.AddRange(_discovered.Where(u => !candidates.Contains(u, StringComparer.Ordinal)));
        if (candidates.Count == 0)
        {
            candidates.Add(FallbackUrl);
        }

        var next = candidates.FirstOrDefault(c => !_failed.Contains(c));
        if (next is null)
        {
            // Every candidate failed once: start over, the first may be back.
            _failed.Clear();
            next = candidates[0];
        }

        return next;
    }

    private async Task DiscoverAsync(string gatewayUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var directory = await http.GetFromJsonAsync($"{gatewayUrl.TrimEnd('/')}/api/gateway/orchestrators",
                SwarmJsonContext.Default.OrchestratorDirectory, timeout.Token);
            var sites = directory!.Sites.Where(s => string.IsNullOrEmpty(options.Site) ? directory.Sites.Count == 1 : s.Site == options.Site).ToList();
            if (sites.Count == 0)
            {
                LogNoSite(options.Site ?? "(none: set Drone:Site)", string.Join(", ", directory.Sites.Select(s => s.Site)));
            }

            // Healthy ones first, primary before secondary within each group.
            _discovered = sites.SelectMany(s => new[] { s.Primary, s.Secondary }).OfType<OrchestratorEndpoint>()
                .OrderBy(o => o.Healthy ? 0 : 1).ThenBy(o => o.Role == "primary" ? 0 : 1)
                .Select(o => o.Url.TrimEnd('/')).Distinct(StringComparer.Ordinal).ToList();
            _discoveredAt = time.GetUtcNow();
            _failed.IntersectWith(_discovered);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Keep the last answer: a gateway outage must not strand drones whose orchestrators are fine.
            LogDiscoveryFailed(gatewayUrl, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orchestrator {FailedUrl} does not answer; moving to {NextUrl}")]
    private partial void LogRehomed(string failedUrl, string nextUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery at {GatewayUrl} failed: {Reason}")]
    private partial void LogDiscoveryFailed(string gatewayUrl, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery has no orchestrator for site {Site}; sites known: {Sites}")]
    private partial void LogNoSite(string site, string sites);
}

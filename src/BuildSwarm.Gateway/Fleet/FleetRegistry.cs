using System.Collections.Concurrent;
using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Fleet;

/// <summary>The gateway's picture of its orchestrators and, through their syncs, of every drone.</summary>
public sealed class FleetRegistry(FleetTables tables, TimeProvider time, IOptions<GatewayOptions> options, FleetMonitor? monitor = null)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<DroneView>> _drones = new(StringComparer.Ordinal);

    private TimeSpan OrchestratorTimeout => TimeSpan.FromSeconds(Math.Max(1, options.Value.OrchestratorTimeoutSeconds));

    public async Task<string> RegisterAsync(OrchestratorRegistration registration, CancellationToken cancellationToken)
    {
        // One id per name and site, so a restarted orchestrator takes its old place.
        var id = "o-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{registration.Site}\n{registration.Name}")))[..12];
        await tables.RegisterAsync(id, registration, time.GetUtcNow(), cancellationToken);
        if (monitor is not null)
        {
            await monitor.RegisteredAsync(id, registration);
        }

        return id;
    }

    /// <summary>False when the orchestrator is unknown (e.g. the gateway lost its state): it must register again.</summary>
    public async Task<bool> SyncAsync(string orchestratorId, OrchestratorSync sync, CancellationToken cancellationToken)
    {
        var known = await tables.TouchAsync(orchestratorId, time.GetUtcNow(), cancellationToken);
        if (!known)
        {
            return false;
        }

        var before = _drones.GetValueOrDefault(orchestratorId);
        _drones[orchestratorId] = sync.Drones;
        if (monitor is not null)
        {
            await monitor.SyncedAsync(before, sync.Drones, cancellationToken);
        }

        return true;
    }

    public Task<bool> IsKnownAsync(string orchestratorId, CancellationToken cancellationToken) => tables.IsKnownAsync(orchestratorId, cancellationToken);

    public async Task<IReadOnlyList<OrchestratorView>> OrchestratorsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return [.. (await tables.OrchestratorsAsync(cancellationToken)).Select(o =>
            new OrchestratorView(o.Id, o.Name, o.Site, o.Role, o.Url, now - o.LastSeen < OrchestratorTimeout, o.LastSeen))];
    }

    /// <summary>Drones of every orchestrator that is still reporting; a drone that moved is shown where it was seen last.</summary>
    public IReadOnlyList<DroneView> Drones(IReadOnlyList<OrchestratorView> orchestrators) =>
        Latest(orchestrators.Where(o => o.Healthy));

    /// <summary>Drones as last reported by the orchestrators given, healthy or not.</summary>
    public IReadOnlyList<DroneView> Latest(IEnumerable<OrchestratorView> orchestrators)
    {
        var ids = orchestrators.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        return _drones.Where(kv => ids.Contains(kv.Key)).SelectMany(kv => kv.Value)
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(d => d.LastSeen)!)
            .OrderBy(d => d.Site, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<SiteStatus> Sites(IReadOnlyList<OrchestratorView> orchestrators) =>
        SiteAggregation.Sites(this, orchestrators, time.GetUtcNow());

    /// <summary>Discovery: per site, the freshest primary and secondary.</summary>
    public OrchestratorDirectory Directory(IReadOnlyList<OrchestratorView> orchestrators, int cacheSeconds)
    {
        var now = time.GetUtcNow();
        OrchestratorEndpoint? Pick(IEnumerable<OrchestratorView> candidates, string role) =>
            candidates.Where(o => o.Role == role).OrderByDescending(o => o.LastSeen)
                .Select(o => new OrchestratorEndpoint(o.Id, o.Name, o.Role, o.Url, o.Healthy, Math.Round((now - o.LastSeen).TotalSeconds, 1)))
                .FirstOrDefault();

        return new OrchestratorDirectory(
            orchestrators.GroupBy(o => o.Site, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SiteOrchestrators(g.Key, Pick(g, "primary"), Pick(g, "secondary"), g.Any(o => o.Healthy)))
                .ToList(),
            cacheSeconds);
    }
}

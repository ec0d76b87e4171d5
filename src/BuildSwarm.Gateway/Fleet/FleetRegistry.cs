using System.Collections.Concurrent;
using System.Security.Cryptography;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Fleet;

/// <summary>The gateway's picture of its orchestrators and, through their syncs, of every drone.</summary>
public sealed class FleetRegistry(SwarmDatabase db, TimeProvider time, IOptions<GatewayOptions> options, FleetMonitor? monitor = null)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<DroneView>> _drones = new(StringComparer.Ordinal);

    private TimeSpan OrchestratorTimeout => TimeSpan.FromSeconds(Math.Max(1, options.Value.OrchestratorTimeoutSeconds));

    public async Task<string> RegisterAsync(OrchestratorRegistration registration, CancellationToken cancellationToken)
    {
        // One id per name and site, so a restarted orchestrator takes its old place.
        var id = "o-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{registration.Site}\n{registration.Name}")))[..12];
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO orchestrators (id, name, site, url, role, last_seen) VALUES ($id, $name, $site, $url, $role, $now)
                ON CONFLICT(id) DO UPDATE SET url = $url, role = $role, last_seen = $now
                """,
                cancellationToken, ("$id", id), ("$name", registration.Name), ("$site", registration.Site), ("$url", registration.Url),
                ("$role", registration.Role), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
        if (monitor is not null)
        {
            await monitor.RegisteredAsync(id, registration);
        }

        return id;
    }

    /// <summary>False when the orchestrator is unknown (e.g. the gateway lost its state): it must register again.</summary>
    public async Task<bool> SyncAsync(string orchestratorId, OrchestratorSync sync, CancellationToken cancellationToken)
    {
        var known = await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE orchestrators SET last_seen = $now WHERE id = $id", cancellationToken,
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", orchestratorId)), cancellationToken);
        if (known == 0)
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

    public Task<bool> IsKnownAsync(string orchestratorId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT 1 FROM orchestrators WHERE id = $id", cancellationToken, ("$id", orchestratorId)) is not null,
            cancellationToken);

    public async Task<IReadOnlyList<OrchestratorView>> OrchestratorsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.ReadAsync<IReadOnlyList<OrchestratorView>>(async connection =>
        {
            var list = new List<OrchestratorView>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT id, name, site, role, url, last_seen FROM orchestrators ORDER BY site, role, name");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5));
                list.Add(new OrchestratorView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    now - lastSeen < OrchestratorTimeout, lastSeen));
            }

            return list;
        }, cancellationToken);
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

using System.Collections.Concurrent;
using System.Globalization;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>
/// Queue switches an operator sets: the whole swarm paused (no new leases; what runs finishes), and a
/// cap on the cores one drone is asked to use (a NAS that yields to its owner). Kept like drains.
/// </summary>
public sealed partial class DroneControls
{
    private const string PausedKey = "paused";
    private readonly ConcurrentDictionary<string, int> _limits = new(StringComparer.Ordinal);
    private volatile bool _paused;

    /// <summary>No job is leased while the swarm is paused.</summary>
    public bool IsPaused => _paused;

    public int? CoreLimit(string name) => _limits.TryGetValue(name, out var cores) ? cores : null;

    public async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                paused
                    ? "INSERT INTO swarm_controls (key, value, since) VALUES ($key, '1', $now) ON CONFLICT(key) DO NOTHING"
                    : "DELETE FROM swarm_controls WHERE key = $key",
                cancellationToken, ("$key", PausedKey), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
        _paused = paused;
        LogPause(paused ? "paused" : "resumed");
        signal.Pulse();
    }

    /// <summary>Caps the cores of drone <paramref name="name"/>; null lifts the cap.</summary>
    public async Task SetCoreLimitAsync(string name, int? cores, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                cores is null
                    ? "DELETE FROM drone_limits WHERE name = $name"
                    : "INSERT INTO drone_limits (name, cores, since) VALUES ($name, $cores, $now) ON CONFLICT(name) DO UPDATE SET cores = $cores, since = $now",
                cancellationToken, ("$name", name), ("$cores", cores), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
        if (cores is { } n)
        {
            _limits[name] = n;
        }
        else
        {
            _limits.TryRemove(name, out _);
        }

        LogLimit(name, cores?.ToString(CultureInfo.InvariantCulture) ?? "none");
        signal.Pulse(); // replan with the drone's new size
    }

    private Task<bool> LoadQueueControlsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            _paused = await SwarmDatabase.ScalarAsync(connection, null, "SELECT value FROM swarm_controls WHERE key = $key", cancellationToken, ("$key", PausedKey)) is not null;
            await using var command = SwarmDatabase.Command(connection, null, "SELECT name, cores FROM drone_limits");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _limits[reader.GetString(0)] = reader.GetInt32(1);
            }

            return true;
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swarm {Action}")]
    private partial void LogPause(string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Name} core limit: {Cores}")]
    private partial void LogLimit(string name, string cores);
}

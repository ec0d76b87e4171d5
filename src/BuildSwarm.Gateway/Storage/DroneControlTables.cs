namespace BuildSwarm.Gateway.Storage;

/// <summary>Owner of <c>drone_drains</c>, <c>drone_groundings</c>, <c>swarm_controls</c> and <c>drone_limits</c>: operator and gateway decisions about drones and the queue.</summary>
public sealed class DroneControlTables(SwarmDatabase db)
{
    /// <summary>Drained drone names, and grounded drone ids with the time their grounding ends.</summary>
    public Task<(List<string> Drained, List<(string DroneId, DateTimeOffset Until)> Grounded)> LoadAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var drained = await SwarmDatabase.StringsAsync(connection, null, "SELECT name FROM drone_drains", cancellationToken);
            var grounded = new List<(string, DateTimeOffset)>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT drone_id, until FROM drone_groundings");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                grounded.Add((reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
            }

            return (drained, grounded);
        }, cancellationToken);

    public Task SetDrainedAsync(string name, bool drained, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                drained
                    ? "INSERT INTO drone_drains (name, since) VALUES ($name, $now) ON CONFLICT(name) DO NOTHING"
                    : "DELETE FROM drone_drains WHERE name = $name",
                cancellationToken, ("$name", name), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>Inside a unit of work of the storage layer: grounds a drone until a time.</summary>
    internal static Task GroundAsync(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string droneId, string name, DateTimeOffset until, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            "INSERT INTO drone_groundings (drone_id, name, until) VALUES ($id, $name, $until) ON CONFLICT(drone_id) DO UPDATE SET name = $name, until = $until",
            cancellationToken, ("$id", droneId), ("$name", name), ("$until", until.ToUnixTimeMilliseconds()));

    private const string PausedKey = "paused";

    /// <summary>Owner of <c>swarm_controls</c> and <c>drone_limits</c> too: whether the swarm is paused, and per-drone core caps.</summary>
    public Task<(bool Paused, List<(string Name, int Cores)> Limits)> LoadQueueControlsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var paused = await SwarmDatabase.ScalarAsync(connection, null, "SELECT value FROM swarm_controls WHERE key = $key", cancellationToken, ("$key", PausedKey)) is not null;
            var limits = new List<(string, int)>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT name, cores FROM drone_limits");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                limits.Add((reader.GetString(0), reader.GetInt32(1)));
            }

            return (paused, limits);
        }, cancellationToken);

    public Task SetPausedAsync(bool paused, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                paused
                    ? "INSERT INTO swarm_controls (key, value, since) VALUES ($key, '1', $now) ON CONFLICT(key) DO NOTHING"
                    : "DELETE FROM swarm_controls WHERE key = $key",
                cancellationToken, ("$key", PausedKey), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>Caps the cores of drone <paramref name="name"/>; null lifts the cap.</summary>
    public Task SetCoreLimitAsync(string name, int? cores, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                cores is null
                    ? "DELETE FROM drone_limits WHERE name = $name"
                    : "INSERT INTO drone_limits (name, cores, since) VALUES ($name, $cores, $now) ON CONFLICT(name) DO UPDATE SET cores = $cores, since = $now",
                cancellationToken, ("$name", name), ("$cores", cores), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);
}

namespace BuildSwarm.Gateway.Storage;

/// <summary>Owner of <c>drone_drains</c> and <c>drone_groundings</c>: operator and gateway decisions about drones.</summary>
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
}

using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Gateway.Storage;

/// <summary>An orchestrator as stored: where it is and when it last reported.</summary>
public sealed record OrchestratorRow(string Id, string Name, string Site, string Role, string Url, DateTimeOffset LastSeen);

/// <summary>Owner of <c>orchestrators</c>.</summary>
public sealed class FleetTables(SwarmDatabase db)
{
    public Task<int> RegisterAsync(string id, OrchestratorRegistration registration, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO orchestrators (id, name, site, url, role, last_seen) VALUES ($id, $name, $site, $url, $role, $now)
                ON CONFLICT(id) DO UPDATE SET url = $url, role = $role, last_seen = $now
                """,
                cancellationToken, ("$id", id), ("$name", registration.Name), ("$site", registration.Site), ("$url", registration.Url),
                ("$role", registration.Role), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>False when no orchestrator has that id.</summary>
    public async Task<bool> TouchAsync(string orchestratorId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE orchestrators SET last_seen = $now WHERE id = $id", cancellationToken,
                ("$now", now.ToUnixTimeMilliseconds()), ("$id", orchestratorId)), cancellationToken) > 0;

    public Task<bool> IsKnownAsync(string orchestratorId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT 1 FROM orchestrators WHERE id = $id", cancellationToken, ("$id", orchestratorId)) is not null,
            cancellationToken);

    /// <summary>Every orchestrator, by site, role and name.</summary>
    public Task<List<OrchestratorRow>> OrchestratorsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var list = new List<OrchestratorRow>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT id, name, site, role, url, last_seen FROM orchestrators ORDER BY site, role, name");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new OrchestratorRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
            }

            return list;
        }, cancellationToken);
}

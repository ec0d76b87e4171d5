using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Gateway.Storage;

/// <summary>The dashboard's reads of the job tables.</summary>
public sealed partial class JobTables
{
    public Task<IReadOnlyList<RunningJobView>> RunningAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<RunningJobView>>(async connection =>
    {
        var list = new List<RunningJobView>();
        await using var command = SwarmDatabase.Command(connection, null,
            """
            SELECT j.id, j.build_id, j.cpv, j.state, j.lease_drone, COALESCE(l.created_at, j.updated_at)
            FROM jobs j LEFT JOIN leases l ON l.id = j.lease_id
            WHERE j.state IN ('leased','building','uploading') ORDER BY 6 LIMIT 500
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RunningJobView(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return list;
    }, cancellationToken);

    /// <summary>The latest failures; <c>HasLog</c> says whether the job kept a log tail in the database.</summary>
    public Task<IReadOnlyList<FailedJobView>> FailuresAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FailedJobView>>(async connection =>
    {
        var list = new List<FailedJobView>();
        await using var command = SwarmDatabase.Command(connection, null,
            """
            SELECT id, build_id, cpv, state, lease_drone, error, updated_at, log_tail IS NOT NULL FROM jobs
            WHERE state IN ('failed','broken','stuck') OR (error IS NOT NULL AND state NOT IN ('done','blocked'))
            ORDER BY updated_at DESC, id DESC LIMIT 20
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            list.Add(new FailedJobView(id, reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), reader.GetBoolean(7)));
        }

        return list;
    }, cancellationToken);

    /// <summary>Job counts of the builds still running, or of the latest build when none runs.</summary>
    public Task<BuildProgressView> ProgressAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = SwarmDatabase.Command(connection, null,
            """
            WITH active AS (SELECT DISTINCT build_id FROM jobs WHERE state IN ('waiting','ready','leased','building','uploading','stuck')),
                 scope AS (SELECT build_id FROM active
                           UNION SELECT id FROM (SELECT id FROM builds ORDER BY created_at DESC, id DESC LIMIT 1) WHERE NOT EXISTS (SELECT 1 FROM active))
            SELECT state, COUNT(*) FROM jobs WHERE build_id IN (SELECT build_id FROM scope) GROUP BY state
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        int C(params string[] states) => states.Sum(s => counts.GetValueOrDefault(s));
        return new BuildProgressView(counts.Values.Sum(), C("done"), C("ready"), C("leased", "building", "uploading"), C("waiting"),
            C("blocked"), C("stuck"), C("failed", "broken"));
    }, cancellationToken);

    /// <summary>The jobs each drone (by name) holds a lease on.</summary>
    public Task<Dictionary<string, List<HeldJob>>> RunningByDroneAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var byDrone = new Dictionary<string, List<HeldJob>>(StringComparer.Ordinal);
            await using var command = SwarmDatabase.Command(connection, null,
                $"SELECT id, build_id, cpv, lease_drone FROM jobs WHERE state IN {LeasedStates} AND lease_drone IS NOT NULL");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var drone = reader.GetString(3);
                (byDrone.TryGetValue(drone, out var list) ? list : byDrone[drone] = []).Add(new HeldJob(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), drone));
            }

            return byDrone;
        }, cancellationToken);
}

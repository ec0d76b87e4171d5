using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Energy;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Logs;
using BuildSwarm.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Monitoring;

/// <summary>The dashboard's view beyond the status: running jobs, failures, progress, binhost, energy.</summary>
public sealed class MonitorQueries(SwarmDatabase db, EnergyLedger energy, EventLog events, LogStore logs, IOptions<GatewayOptions> options)
{
    public async Task<MonitorView> GetAsync(CancellationToken cancellationToken)
    {
        var (_, last) = await events.RangeAsync(cancellationToken);
        return await db.ReadAsync(async connection => new MonitorView(
            await RunningAsync(connection, cancellationToken),
            await FailuresAsync(connection, cancellationToken),
            await ProgressAsync(connection, cancellationToken),
            await BinhostAsync(connection, cancellationToken),
            energy.View(),
            last), cancellationToken);
    }

    private static async Task<IReadOnlyList<RunningJobView>> RunningAsync(SqliteConnection connection, CancellationToken cancellationToken)
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
    }

    private async Task<IReadOnlyList<FailedJobView>> FailuresAsync(SqliteConnection connection, CancellationToken cancellationToken)
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
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), reader.GetBoolean(7) || File.Exists(logs.PathOf(id))));
        }

        return list;
    }

    private static async Task<BuildProgressView> ProgressAsync(SqliteConnection connection, CancellationToken cancellationToken)
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
    }

    private async Task<BinhostView> BinhostAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var target = options.Value.DefaultTarget;
        int count;
        long bytes;
        await using (var command = SwarmDatabase.Command(connection, null, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM packages WHERE target = $t", ("$t", target)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            count = reader.GetInt32(0);
            bytes = reader.GetInt64(1);
        }

        var latest = new List<PublishedPackageView>();
        await using (var command = SwarmDatabase.Command(connection, null,
            "SELECT cpv, build_id, size, mtime FROM packages WHERE target = $t ORDER BY mtime DESC, rowid DESC LIMIT 10", ("$t", target)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                latest.Add(new PublishedPackageView(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(3))));
            }
        }

        return new BinhostView(count, bytes, latest);
    }
}

using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

public sealed partial class JobTables
{
    private const string Active = "('waiting','ready','failed','leased','building','uploading','stuck')";

    /// <summary>Every job that can still move, as the scheduling core sees it, read in three queries.</summary>
    public Task<List<SchedulingJob>> SnapshotAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(connection => SnapshotAsync(connection, null, cancellationToken), cancellationToken);

    private static async Task<List<SchedulingJob>> SnapshotAsync(SqliteConnection connection, SqliteTransaction? tx, CancellationToken cancellationToken)
    {
        var deps = await PairsAsync(connection, tx,
            $"SELECT d.job_id, d.dep_job_id FROM job_deps d JOIN jobs j ON j.id = d.job_id WHERE j.state IN {Active}",
            r => r.GetInt64(1), cancellationToken);
        var failedOn = await PairsAsync(connection, tx,
            $"SELECT DISTINCT f.job_id, f.drone_id FROM job_failures f JOIN jobs j ON j.id = f.job_id WHERE j.state IN {Active} AND f.sweeper = 0 AND f.rowid > COALESCE(j.failures_before, 0)",
            r => r.GetString(1), cancellationToken);

        var jobs = new List<SchedulingJob>();
        await using var command = SwarmDatabase.Command(connection, tx,
            $"SELECT id, cpv, state, target, priority, lease_drone_id, COALESCE(started_at, leased_at) FROM jobs WHERE state IN {Active}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            var state = JobStates.FromWire(reader.GetString(2));
            var leased = state.IsLeased();
            jobs.Add(new SchedulingJob(
                id,
                reader.GetString(1),
                // A failed job waits for a retry: to the scheduler it is ready, kept off the drones it failed on.
                state == JobState.Failed ? JobState.Ready : state,
                deps.TryGetValue(id, out var d) ? d : [],
                reader.GetString(3),
                reader.GetInt32(4),
                failedOn.TryGetValue(id, out var f) ? f.ToHashSet(StringComparer.Ordinal) : null,
                leased && !reader.IsDBNull(5) ? reader.GetString(5) : null,
                leased && !reader.IsDBNull(6) ? DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)) : null));
        }

        return jobs;
    }

    private static async Task<Dictionary<long, List<T>>> PairsAsync<T>(
        SqliteConnection connection, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> value, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<long, List<T>>();
        await using var command = SwarmDatabase.Command(connection, tx, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetInt64(0);
            if (!pairs.TryGetValue(key, out var list))
            {
                list = [];
                pairs[key] = list;
            }

            list.Add(value(reader));
        }

        return pairs;
    }
}

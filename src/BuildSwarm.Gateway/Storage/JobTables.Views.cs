using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Gateway.Storage;

/// <summary>What a log reader needs to know of the job: whether more can come.</summary>
public sealed record JobLogInfo(JobState State, string? LogTail, DateTimeOffset UpdatedAt);

/// <summary>Read-only views of builds and jobs for the API, CLI and dashboard.</summary>
public sealed partial class JobTables
{
    public Task<JobLogInfo?> LogInfoAsync(long jobId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = SwarmDatabase.Command(connection, null, "SELECT state, log_tail, updated_at FROM jobs WHERE id = $id", ("$id", jobId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new JobLogInfo(JobStates.FromWire(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                : null;
        }, cancellationToken);

    public Task<BuildView?> GetBuildAsync(string buildId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            string target;
            long created;
            await using (var build = SwarmDatabase.Command(connection, null, "SELECT target, created_at FROM builds WHERE id = $id", ("$id", buildId)))
            await using (var reader = await build.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null;
                }

                target = reader.GetString(0);
                created = reader.GetInt64(1);
            }

            var deps = new Dictionary<long, List<string>>();
            await using (var command = SwarmDatabase.Command(connection, null,
                "SELECT d.job_id, j.cpv FROM job_deps d JOIN jobs j ON j.id = d.dep_job_id JOIN jobs o ON o.id = d.job_id WHERE o.build_id = $id",
                ("$id", buildId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    (deps.TryGetValue(reader.GetInt64(0), out var list) ? list : deps[reader.GetInt64(0)] = []).Add(reader.GetString(1));
                }
            }

            var jobs = new List<JobView>();
            await using (var command = SwarmDatabase.Command(connection, null,
                "SELECT id, cpv, state, attempts, lease_drone, error, path FROM jobs WHERE build_id = $id ORDER BY id", ("$id", buildId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetInt64(0);
                    jobs.Add(new JobView(id, reader.GetString(1), JobStates.FromWire(reader.GetString(2)), reader.GetInt32(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6), deps.GetValueOrDefault(id) ?? []));
                }
            }

            var counts = jobs.GroupBy(j => j.State.ToWire()).ToDictionary(g => g.Key, g => g.Count());
            return new BuildView(buildId, BuildState(jobs.Select(j => j.State)), target, DateTimeOffset.FromUnixTimeMilliseconds(created), counts, jobs);
        }, cancellationToken);

    public Task<IReadOnlyList<BuildSummary>> ListBuildsAsync(int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<BuildSummary>>(async connection =>
        {
            var builds = new List<(string Id, long Created)>();
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT id, created_at FROM builds ORDER BY created_at DESC, id DESC LIMIT $n", ("$n", limit)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    builds.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            var result = new List<BuildSummary>();
            foreach (var (id, created) in builds)
            {
                var states = new List<JobState>();
                await using var command = SwarmDatabase.Command(connection, null, "SELECT state FROM jobs WHERE build_id = $id", ("$id", id));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    states.Add(JobStates.FromWire(reader.GetString(0)));
                }

                result.Add(new BuildSummary(id, BuildState(states), DateTimeOffset.FromUnixTimeMilliseconds(created), states.Count, states.Count(s => s == JobState.Done)));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> CountJobsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyDictionary<string, int>>(async connection =>
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            await using var command = SwarmDatabase.Command(connection, null, "SELECT state, COUNT(*) FROM jobs GROUP BY state");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)] = reader.GetInt32(1);
            }

            return counts;
        }, cancellationToken);

    /// <summary>
    /// <c>running</c> while any job is not final, else <c>done</c>, <c>cancelled</c> or <c>stalled</c>;
    /// <c>Jobs/BuildVerdicts</c> also tells a running build that cannot move any more from one that can.
    /// </summary>
    public static string BuildState(IEnumerable<JobState> states)
    {
        var all = states.ToList();
        if (all.Any(s => !s.IsFinal()))
        {
            return "running";
        }

        return all.All(s => s == JobState.Done) ? BuildVerdict.Done : all.Any(s => s == JobState.Cancelled) ? BuildVerdict.Cancelled : BuildVerdict.Stalled;
    }
}

using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Gateway.Storage;

public sealed partial class JobTables
{
    /// <summary>What <see cref="BuildVerdict.Judge"/> needs of one build: its jobs with their dependencies and failures, and the states of jobs of other builds they wait for.</summary>
    public Task<(List<VerdictJob> Jobs, Dictionary<long, JobState> Outside)> ReadVerdictInputAsync(string buildId, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var deps = new Dictionary<long, List<long>>();
            var outside = new Dictionary<long, JobState>();
            await using (var command = SwarmDatabase.Command(connection, null,
                "SELECT d.job_id, d.dep_job_id, dj.state, dj.build_id FROM job_deps d JOIN jobs o ON o.id = d.job_id JOIN jobs dj ON dj.id = d.dep_job_id WHERE o.build_id = $b",
                ("$b", buildId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    (deps.TryGetValue(reader.GetInt64(0), out var list) ? list : deps[reader.GetInt64(0)] = []).Add(reader.GetInt64(1));
                    if (reader.GetString(3) != buildId)
                    {
                        outside[reader.GetInt64(1)] = JobStates.FromWire(reader.GetString(2));
                    }
                }
            }

            var failedOn = new Dictionary<long, List<string>>();
            await using (var command = SwarmDatabase.Command(connection, null,
                "SELECT f.job_id, f.drone FROM job_failures f JOIN jobs j ON j.id = f.job_id WHERE j.build_id = $b AND f.rowid > COALESCE(j.failures_before, 0) ORDER BY f.at",
                ("$b", buildId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    (failedOn.TryGetValue(reader.GetInt64(0), out var list) ? list : failedOn[reader.GetInt64(0)] = []).Add(reader.GetString(1));
                }
            }

            var jobs = new List<VerdictJob>();
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT id, cpv, state, error FROM jobs WHERE build_id = $b ORDER BY id", ("$b", buildId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetInt64(0);
                    jobs.Add(new VerdictJob(id, reader.GetString(1), JobStates.FromWire(reader.GetString(2)), deps.GetValueOrDefault(id) ?? [],
                        reader.IsDBNull(3) ? null : reader.GetString(3), failedOn.GetValueOrDefault(id)));
                }
            }

            return (jobs, outside);
        }, cancellationToken);
}

using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Gateway.Fleet;
using BuildSwarm.Gateway.Scheduling;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>
/// Builds as the API shows them: with the verdict of <see cref="BuildVerdict.Judge"/>, so a build in which
/// nothing can move any more says <c>stalled</c> and why, instead of staying <c>running</c> forever.
/// </summary>
public sealed class BuildVerdicts(JobTables queries, FleetRegistry fleet, DroneControls controls)
{
    public async Task<BuildView?> GetAsync(string buildId, CancellationToken cancellationToken)
    {
        if (await queries.GetBuildAsync(buildId, cancellationToken) is not { } view)
        {
            return null;
        }

        var verdict = await JudgeAsync(buildId, cancellationToken);
        return view with
        {
            State = verdict.State,
            Jobs = [.. view.Jobs.Select(j => verdict.Reasons.TryGetValue(j.Id, out var reason) ? j with { Reason = reason } : j)],
        };
    }

    public async Task<IReadOnlyList<BuildSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var builds = await queries.ListBuildsAsync(limit, cancellationToken);
        var judged = new List<BuildSummary>(builds.Count);
        foreach (var build in builds)
        {
            if (build.State == BuildVerdict.Done)
            {
                judged.Add(build);
                continue;
            }

            var verdict = await JudgeAsync(build.BuildId, cancellationToken);
            judged.Add(build with { State = verdict.State, Reason = verdict.Cause });
        }

        return judged;
    }

    private async Task<BuildVerdict> JudgeAsync(string buildId, CancellationToken cancellationToken)
    {
        var (jobList, outside) = await queries.ReadVerdictInputAsync(buildId, cancellationToken);
        var drones = controls.Apply(fleet.Drones(await fleet.OrchestratorsAsync(cancellationToken)));
        var sweeper = drones.Any(d => d.Role == DroneRole.Sweeper && d.State is "online" or "building");
        return BuildVerdict.Judge(jobList, outside, sweeper);
    }
}

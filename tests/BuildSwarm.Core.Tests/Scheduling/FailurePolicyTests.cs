using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Scheduling;
using static BuildSwarm.Core.Tests.Scheduling.Fixtures;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class FailurePolicyTests
{
    private readonly FailurePolicy _policy = new();

    [Fact]
    public void Retries_until_three_distinct_drones_failed_then_sticks()
    {
        Assert.Equal(JobState.Ready, _policy.AfterFailure(["d1"], failedOnSweeper: false));
        Assert.Equal(JobState.Ready, _policy.AfterFailure(["d1", "d2", "d1", "d2"], failedOnSweeper: false));
        Assert.Equal(JobState.Stuck, _policy.AfterFailure(["d1", "d2", "d3"], failedOnSweeper: false));
    }

    [Fact]
    public void The_limit_is_configurable()
    {
        var strict = new FailurePolicy(new FailureOptions { MaxDistinctDrones = 1 });

        Assert.Equal(JobState.Stuck, strict.AfterFailure(["d1"], failedOnSweeper: false));
    }

    [Fact]
    public void A_failure_on_the_sweeper_breaks_the_job()
    {
        Assert.Equal(JobState.Broken, _policy.AfterFailure(["d1", "d2", "d3", "sweeper"], failedOnSweeper: true));
    }

    [Fact]
    public void Blocks_every_dependant_below_a_broken_job_and_names_the_package()
    {
        var jobs = new[]
        {
            Job(1, "dev-libs/broken-1.0", JobState.Broken),
            Job(2, "dev-libs/child-1.0", JobState.Waiting, [1]),
            Job(3, "app-misc/grandchild-1.0", JobState.Waiting, [2, 5]),
            Job(4, "app-misc/unrelated-1.0", JobState.Ready),
            Job(5, "app-misc/other-dep-1.0", JobState.Done),
            Job(6, "app-misc/diamond-1.0", JobState.Waiting, [1, 3]),
        };

        var blocked = FailurePolicy.BlockedBy(jobs, brokenJobId: 1);

        Assert.Equal([2L, 3L, 6L], blocked.Select(b => b.JobId).Order());
        Assert.All(blocked, b => Assert.Equal("dev-libs/broken-1.0", b.BlockedBy));
        Assert.Equal("app-misc/grandchild-1.0", blocked.Single(b => b.JobId == 3).PackageKey);
    }
}

using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Tests.Jobs;

public sealed class BuildVerdictTests
{
    private static readonly Dictionary<long, JobState> NoOutside = [];

    [Fact]
    public void A_build_moves_while_a_job_is_leased_ready_or_failed_or_stuck_with_a_sweeper()
    {
        foreach (var state in new[] { JobState.Ready, JobState.Failed, JobState.Leased, JobState.Building, JobState.Uploading })
        {
            Assert.Equal("running", BuildVerdict.Judge([new(1, "a/b-1", state, []), new(2, "a/c-1", JobState.Waiting, [1])], NoOutside, false).State);
        }

        Assert.Equal("running", BuildVerdict.Judge([new(1, "a/b-1", JobState.Stuck, [])], NoOutside, sweeperTakesWork: true).State);
    }

    [Fact]
    public void A_stuck_job_without_a_sweeper_stalls_the_build_and_every_open_job_says_why()
    {
        var verdict = BuildVerdict.Judge(
        [
            new(1, "a/b-1", JobState.Stuck, [], "exit 1", ["d1", "d2", "d1"]),
            new(2, "a/c-1", JobState.Waiting, [1]),
            new(3, "a/d-1", JobState.Done, []),
        ], NoOutside, sweeperTakesWork: false);

        Assert.Equal("stalled", verdict.State);
        Assert.StartsWith("stuck: failed on d1, d2; no sweeper", verdict.Reasons[1], StringComparison.Ordinal);
        Assert.Equal("waits for a/b-1, which is stuck", verdict.Reasons[2]);
        Assert.False(verdict.Reasons.ContainsKey(3));
    }

    [Fact]
    public void Final_builds_are_done_stalled_or_cancelled_and_a_job_of_another_build_that_moves_keeps_it_running()
    {
        Assert.Equal("done", BuildVerdict.Judge([new(1, "a/b-1", JobState.Done, [])], NoOutside, false).State);
        var broken = BuildVerdict.Judge([new(1, "a/b-1", JobState.Broken, [], "emake failed\nmore", ["s"]), new(2, "a/c-1", JobState.Blocked, [1], "blocked by a/b-1")], NoOutside, true);
        Assert.Equal(("stalled", "broken: failed on s: emake failed", "blocked by a/b-1"), (broken.State, broken.Reasons[1], broken.Reasons[2]));
        Assert.Equal("cancelled", BuildVerdict.Judge([new(1, "a/b-1", JobState.Cancelled, []), new(2, "a/c-1", JobState.Broken, [])], NoOutside, false).State);

        var waitsOutside = new List<VerdictJob> { new(1, "a/b-1", JobState.Waiting, [99]) };
        Assert.Equal("running", BuildVerdict.Judge(waitsOutside, new Dictionary<long, JobState> { [99] = JobState.Building }, false).State);
        Assert.Equal("stalled", BuildVerdict.Judge(waitsOutside, new Dictionary<long, JobState> { [99] = JobState.Stuck }, false).State);
    }
}

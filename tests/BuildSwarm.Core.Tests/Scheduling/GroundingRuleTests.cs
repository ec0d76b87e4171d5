using BuildSwarm.Core.Scheduling;
using static BuildSwarm.Core.Tests.Scheduling.Fixtures;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class GroundingRuleTests
{
    private readonly GroundingRule _rule = new(new GroundingOptions
    {
        MaxFailures = 3,
        Window = TimeSpan.FromMinutes(30),
        Duration = TimeSpan.FromHours(2),
    });

    [Fact]
    public void Three_failed_jobs_within_the_window_ground_the_drone()
    {
        var failures = new[] { new DroneFailure(1, Now.AddMinutes(-29)), new DroneFailure(2, Now.AddMinutes(-10)), new DroneFailure(3, Now) };

        Assert.Equal(Now.AddHours(2), _rule.GroundedUntil(failures, Now));
    }

    [Fact]
    public void Old_failures_and_repeats_of_one_job_do_not_count()
    {
        var failures = new[]
        {
            new DroneFailure(1, Now.AddMinutes(-31)),
            new DroneFailure(2, Now.AddMinutes(-10)),
            new DroneFailure(2, Now.AddMinutes(-5)),
            new DroneFailure(3, Now),
        };

        Assert.Null(_rule.GroundedUntil(failures, Now));
    }
}

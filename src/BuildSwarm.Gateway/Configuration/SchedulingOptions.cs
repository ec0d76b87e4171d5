namespace BuildSwarm.Gateway.Configuration;

/// <summary>How the gateway hands out jobs (config section <c>Gateway:Scheduling</c>).</summary>
public sealed class SchedulingOptions
{
    /// <summary><c>heft</c> (dependency- and speed-aware) or <c>fifo</c> (queue order, the baseline).</summary>
    public string Policy { get; set; } = "heft";

    /// <summary>Distinct drones a job may fail on before it is stuck and only a sweeper takes it.</summary>
    public int MaxDistinctDrones { get; set; } = 3;

    /// <summary>Distinct jobs a drone may fail within <see cref="GroundWindowMinutes"/> before it is grounded.</summary>
    public int GroundAfterFailures { get; set; } = 3;

    public double GroundWindowMinutes { get; set; } = 10;

    public double GroundForMinutes { get; set; } = 30;

    /// <summary>Longest a plan is reused; any job change (submit, failure, publish, expiry, drain) replans sooner.</summary>
    public int PlanMaxAgeMilliseconds { get; set; } = 1000;

    /// <summary>Reference-drone seconds assumed for a package never built before.</summary>
    public double DefaultSeconds { get; set; } = 300;
}

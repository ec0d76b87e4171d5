namespace BuildSwarm.Core.Scheduling;

public sealed record GroundingOptions
{
    /// <summary>Distinct jobs a drone may fail within <see cref="Window"/> before it is grounded.</summary>
    public int MaxFailures { get; init; } = 3;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);
}

public sealed record DroneFailure(long JobId, DateTimeOffset At);

/// <summary>
/// A drone that keeps failing different jobs is more likely broken than the packages are: ground it for a
/// while so it stops eating retries. Sweeper failures should not be fed here; failing is its job.
/// </summary>
public sealed class GroundingRule(GroundingOptions? options = null)
{
    public GroundingOptions Options { get; } = options ?? new GroundingOptions();

    /// <summary>Until when the drone is grounded, or null when its recent failures stay under the limit.</summary>
    public DateTimeOffset? GroundedUntil(IEnumerable<DroneFailure> failures, DateTimeOffset now)
    {
        var since = now - Options.Window;
        var recent = failures.Where(f => f.At > since && f.At <= now).Select(f => f.JobId).Distinct().Count();
        return recent >= Options.MaxFailures ? now + Options.Duration : null;
    }
}

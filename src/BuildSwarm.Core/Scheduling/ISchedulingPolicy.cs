namespace BuildSwarm.Core.Scheduling;

/// <summary>A pure function from a snapshot to the jobs that should start now, and where.</summary>
public interface ISchedulingPolicy
{
    string Name { get; }

    /// <summary>Assignments for free slots only; a job appears at most once.</summary>
    IReadOnlyList<Assignment> Schedule(SchedulingSnapshot snapshot);
}

public sealed record Assignment(long JobId, string DroneId);

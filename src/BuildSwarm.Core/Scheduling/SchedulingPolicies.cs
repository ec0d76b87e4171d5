namespace BuildSwarm.Core.Scheduling;

public static class SchedulingPolicies
{
    public const string Heft = "heft";
    public const string Fifo = "fifo";

    public static IReadOnlyList<string> Names { get; } = [Heft, Fifo];

    public static ISchedulingPolicy Get(string name) => name.ToLowerInvariant() switch
    {
        Heft => new HeftPolicy(),
        Fifo => new FifoPolicy(),
        _ => throw new ArgumentException($"unknown scheduling policy '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };
}

namespace BuildSwarm.Core.Scheduling;

/// <summary>How many jobs a drone builds at once.</summary>
public static class DroneSlots
{
    public const int DefaultCoresPerJob = 4;
    public const long DefaultMemoryPerJobMb = 2048;

    /// <summary>
    /// A configured value (above zero) wins. Otherwise one slot per <paramref name="coresPerJob"/> cores,
    /// fewer if RAM cannot give each job <paramref name="memoryPerJobMb"/>, never fewer than one.
    /// Unknown RAM (zero or less) does not limit.
    /// </summary>
    public static int Compute(
        int cores,
        long ramMb,
        int? configuredSlots = null,
        long memoryPerJobMb = DefaultMemoryPerJobMb,
        int coresPerJob = DefaultCoresPerJob)
    {
        if (configuredSlots is > 0)
        {
            return configuredSlots.Value;
        }

        var byCores = cores / Math.Max(1, coresPerJob);
        var byMemory = ramMb > 0 ? ramMb / Math.Max(1, memoryPerJobMb) : long.MaxValue;
        return (int)Math.Max(1, Math.Min(byCores, byMemory));
    }
}

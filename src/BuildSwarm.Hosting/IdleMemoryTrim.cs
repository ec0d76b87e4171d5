namespace BuildSwarm.Hosting;

/// <summary>
/// Gives memory back after a burst. Large request bodies (a 30,000-package submission, a hostile 2 MB string) land on
/// the large object heap, which only a full collection frees; an idle server allocates nothing, so no collection
/// comes and the resident size stays at the burst's peak (the fuzz run measured 126 -&gt; 451 MB, still 451 MB after
/// a minute idle). When the process has been quiet for one interval and the GC heap has grown well past what the last
/// trim left, one compacting, decommitting collection returns it to the system.
/// </summary>
public sealed partial class IdleMemoryTrim(TimeProvider time, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const long QuietBytes = 8L * 1024 * 1024;
    private const long GrowthBytes = 32L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var afterTrim = GC.GetGCMemoryInfo().TotalCommittedBytes;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            var quiet = now - allocated < QuietBytes;
            allocated = now;
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            if (quiet && committed > afterTrim + GrowthBytes)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                afterTrim = GC.GetGCMemoryInfo().TotalCommittedBytes;
                LogTrimmed(committed / (1024 * 1024), afterTrim / (1024 * 1024));
                allocated = GC.GetTotalAllocatedBytes();
            }
            else if (committed < afterTrim)
            {
                afterTrim = committed;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: GC heap trimmed from {Before} MB to {After} MB committed")]
    private partial void LogTrimmed(long before, long after);
}

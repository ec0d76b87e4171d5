using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dispatch;

/// <summary>Counts published packages; completes when all of them are, or at the first failure.</summary>
internal sealed class RunProgress(int expected)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _published = new(StringComparer.Ordinal);
    private int _count;
    private int _warnings;

    public Task Finished => _finished.Task;

    public long LastPublishedTimestamp { get; private set; }

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyDictionary<string, int> PublishedCounts => _published;

    /// <summary>Answers that did not stop the run (e.g. a progress report refused with 409).</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    public void Published(string cpv)
    {
        _published.AddOrUpdate(cpv, 1, (_, n) => n + 1);
        if (Interlocked.Increment(ref _count) >= expected)
        {
            LastPublishedTimestamp = Stopwatch.GetTimestamp();
            _finished.TrySetResult();
        }
    }

    public void Warn(string reason)
    {
        if (Interlocked.Increment(ref _warnings) <= 5)
        {
            Console.Error.WriteLine($"warning: {reason}");
        }
    }

    public void Failed(string reason) => _finished.TrySetException(new InvalidOperationException(reason));
}

/// <summary>What the drones record into: swapped between the warm-up and the measured builds.</summary>
internal sealed class Phase(LatencyLog latencies, RunProgress progress, ReadyClock ready)
{
    public ReadyClock Ready { get; } = ready;

    public LatencyLog Latencies { get; set; } = latencies;

    public RunProgress Progress { get; set; } = progress;
}

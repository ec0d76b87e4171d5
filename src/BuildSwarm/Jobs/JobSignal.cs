namespace BuildSwarm.Jobs;

/// <summary>Wakes long-polling lease requests, and invalidates the lease plan, when jobs change.</summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = NewSource();
    private long _version;

    /// <summary>Moves on at every pulse: a plan made at an older version may be out of date.</summary>
    public long Version => Interlocked.Read(ref _version);

    public void Pulse()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _next, NewSource()).TrySetResult();
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

namespace BuildSwarm.Hosting;

/// <summary>
/// Wakes every waiter when something changed; waiters re-read the state themselves. The version moves on at every
/// pulse, so a result computed at an older version (a lease plan) is known to be out of date.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = NewSource();
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Take the waiter before reading the state, so a change between the read and the wait is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _next, NewSource()).TrySetResult();
    }

    /// <summary>Waits for the next pulse; true when signalled, false on timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitAsync(Next, timeout, time, cancellationToken);

    /// <summary>True when <paramref name="next"/> (a <see cref="Next"/> taken earlier) was signalled, false on timeout.</summary>
    public static async Task<bool> WaitAsync(Task next, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await next.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

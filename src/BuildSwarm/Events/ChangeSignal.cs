namespace BuildSwarm.Events;

/// <summary>Wakes every waiter when something changed; waiters re-read the state themselves.</summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = NewSource();

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Take the waiter before reading the state, so a change between the read and the wait is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>True when signalled, false on timeout.</summary>
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

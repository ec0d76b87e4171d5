namespace BuildSwarm.Jobs;

/// <summary>Wakes long-polling lease requests when jobs become ready.</summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = NewSource();

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

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

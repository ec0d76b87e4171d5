using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Orchestrator.Control;

/// <summary>
/// The orchestrator's pending control orders, one per drone, handed out in the drone's next heartbeat reply.
/// An order not picked up within the wait is withdrawn, so a drone that comes back later does not act on it.
/// </summary>
public sealed class ControlOrders
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public async Task<bool> DeliverAsync(string droneId, ControlOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        var pending = new Pending(order, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[droneId] = pending;
        try
        {
            await pending.Taken.Task.WaitAsync(wait, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, Pending>(droneId, pending));
        }
    }

    /// <summary>The order waiting for <paramref name="droneId"/>, if any; taking it completes the delivery.</summary>
    public ControlOrder? Take(string droneId)
    {
        if (!_pending.TryRemove(droneId, out var pending))
        {
            return null;
        }

        pending.Taken.TrySetResult();
        return pending.Order;
    }

    private sealed record Pending(ControlOrder Order, TaskCompletionSource Taken);
}

using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Gateway.Remote;

/// <summary>
/// Control orders the gateway issued after an operator's <c>POST /api/command</c> passed its policy. An orchestrator
/// confirms every order here before it queues it, so holding the cluster token is not enough to make a drone
/// reboot: only the admin path creates orders, and each one is confirmed once.
/// </summary>
public sealed class IssuedControlOrders(TimeProvider time)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Issued> _orders = new(StringComparer.Ordinal);

    public void Issue(ControlDelivery delivery)
    {
        foreach (var (id, old) in _orders)
        {
            if (old.Expires < time.GetUtcNow())
            {
                _orders.TryRemove(id, out _);
            }
        }

        _orders[delivery.Order.Id] = new Issued(delivery.DroneId, delivery.Order, time.GetUtcNow() + TimeSpan.FromSeconds(delivery.WaitSeconds) + Slack);
    }

    public void Withdraw(string orderId) => _orders.TryRemove(orderId, out _);

    /// <summary>True once for an order this gateway issued, for that drone, with that action and node, not expired.</summary>
    public bool Confirm(ControlDelivery delivery) =>
        _orders.TryGetValue(delivery.Order.Id, out var issued)
        && issued.DroneId == delivery.DroneId
        && issued.Order == delivery.Order
        && issued.Expires >= time.GetUtcNow()
        && _orders.TryRemove(new KeyValuePair<string, Issued>(delivery.Order.Id, issued));

    private sealed record Issued(string DroneId, ControlOrder Order, DateTimeOffset Expires);
}

using System.Collections.Concurrent;
using System.Globalization;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>
/// Queue switches an operator sets: the whole swarm paused (no new leases; what runs finishes), and a
/// cap on the cores one drone is asked to use (a NAS that yields to its owner). Kept like drains.
/// </summary>
public sealed partial class DroneControls
{
    private readonly ConcurrentDictionary<string, int> _limits = new(StringComparer.Ordinal);
    private volatile bool _paused;

    /// <summary>No job is leased while the swarm is paused.</summary>
    public bool IsPaused => _paused;

    public int? CoreLimit(string name) => _limits.TryGetValue(name, out var cores) ? cores : null;

    public async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        await tables.SetPausedAsync(paused, time.GetUtcNow(), cancellationToken);
        _paused = paused;
        LogPause(paused ? "paused" : "resumed");
        signal.Pulse();
    }

    /// <summary>Caps the cores of drone <paramref name="name"/>; null lifts the cap.</summary>
    public async Task SetCoreLimitAsync(string name, int? cores, CancellationToken cancellationToken)
    {
        await tables.SetCoreLimitAsync(name, cores, time.GetUtcNow(), cancellationToken);
        if (cores is { } n)
        {
            _limits[name] = n;
        }
        else
        {
            _limits.TryRemove(name, out _);
        }

        LogLimit(name, cores?.ToString(CultureInfo.InvariantCulture) ?? "none");
        signal.Pulse(); // replan with the drone's new size
    }

    private async Task LoadQueueControlsAsync(CancellationToken cancellationToken)
    {
        var (paused, limits) = await tables.LoadQueueControlsAsync(cancellationToken);
        _paused = paused;
        foreach (var (name, cores) in limits)
        {
            _limits[name] = cores;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swarm {Action}")]
    private partial void LogPause(string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Name} core limit: {Cores}")]
    private partial void LogLimit(string name, string cores);
}

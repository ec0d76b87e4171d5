using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>
/// Operator and gateway decisions about drones that outlive a restart: drained drones (by name, what
/// operators type) and grounded ones (by drone id, until a time). Kept in memory for the planner and
/// status, written through to storage.
/// </summary>
public sealed partial class DroneControls(DroneControlTables tables, ChangeSignal signal, TimeProvider time, ILogger<DroneControls> logger)
{
    private readonly ConcurrentDictionary<string, byte> _drained = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _grounded = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadQueueControlsAsync(cancellationToken);
        var (drained, grounded) = await tables.LoadAsync(cancellationToken);
        foreach (var name in drained)
        {
            _drained[name] = 0;
        }

        foreach (var (droneId, until) in grounded)
        {
            _grounded[droneId] = until;
        }
    }

    public bool IsDrained(string name) => _drained.ContainsKey(name);

    public DateTimeOffset? GroundedUntil(string droneId) =>
        _grounded.TryGetValue(droneId, out var until) && until > time.GetUtcNow() ? until : null;

    public async Task SetDrainedAsync(string name, bool drained, CancellationToken cancellationToken)
    {
        await tables.SetDrainedAsync(name, drained, time.GetUtcNow(), cancellationToken);
        if (drained)
        {
            _drained[name] = 0;
        }
        else
        {
            _drained.TryRemove(name, out _);
        }

        LogDrain(name, drained ? "drained" : "undrained");
        signal.Pulse(); // replan: the drone's planned jobs go elsewhere, or it may take work again
    }

    /// <summary>Call once the grounding is durable (see <see cref="JobTables.RecordFailureAsync"/>).</summary>
    public void Grounded(string droneId, DateTimeOffset until) => _grounded[droneId] = until;

    /// <summary>The orchestrators' view of drones with the gateway's word added: drained, draining, grounded.</summary>
    public IReadOnlyList<DroneView> Apply(IReadOnlyList<DroneView> drones) =>
        drones.Select(d =>
        {
            if (d.State == "offline")
            {
                return d;
            }

            if (GroundedUntil(d.Id) is { } until)
            {
                return d with { State = "grounded", GroundedUntil = until };
            }

            var limited = CoreLimit(d.Name) is { } cores ? d with { CoreLimit = cores } : d;
            return IsDrained(d.Name) ? limited with { State = d.Jobs.Count > 0 ? "draining" : "drained" } : limited;
        }).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Name} {Action}")]
    private partial void LogDrain(string name, string action);
}

using System.Collections.Concurrent;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Scheduling;

/// <summary>
/// Operator and gateway decisions about drones that outlive a restart: drained drones (by name, what
/// operators type) and grounded ones (by drone id, until a time). Kept in memory for the planner and
/// status, written through to SQLite.
/// </summary>
public sealed partial class DroneControls(SwarmDatabase db, ChangeSignal signal, TimeProvider time, ILogger<DroneControls> logger)
{
    private readonly ConcurrentDictionary<string, byte> _drained = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _grounded = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadQueueControlsAsync(cancellationToken);
        await db.ReadAsync(async connection =>
        {
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT name FROM drone_drains"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    _drained[reader.GetString(0)] = 0;
                }
            }

            await using (var command = SwarmDatabase.Command(connection, null, "SELECT drone_id, until FROM drone_groundings"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    _grounded[reader.GetString(0)] = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
                }
            }

            return true;
        }, cancellationToken);
    }

    public bool IsDrained(string name) => _drained.ContainsKey(name);

    public DateTimeOffset? GroundedUntil(string droneId) =>
        _grounded.TryGetValue(droneId, out var until) && until > time.GetUtcNow() ? until : null;

    public async Task SetDrainedAsync(string name, bool drained, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                drained
                    ? "INSERT INTO drone_drains (name, since) VALUES ($name, $now) ON CONFLICT(name) DO NOTHING"
                    : "DELETE FROM drone_drains WHERE name = $name",
                cancellationToken, ("$name", name), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
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

    /// <summary>Inside the caller's transaction; call <see cref="Grounded"/> once it committed.</summary>
    public static Task GroundAsync(SqliteConnection connection, SqliteTransaction tx, string droneId, string name, DateTimeOffset until, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            "INSERT INTO drone_groundings (drone_id, name, until) VALUES ($id, $name, $until) ON CONFLICT(drone_id) DO UPDATE SET name = $name, until = $until",
            cancellationToken, ("$id", droneId), ("$name", name), ("$until", until.ToUnixTimeMilliseconds()));

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

using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Events;

/// <summary>
/// The numbered, bounded, durable history of swarm events. Sequence numbers come from SQLite inside
/// the serialised write transaction, so commit order is sequence order and a reader that has seen
/// event N and reads "after N" never skips one.
/// </summary>
public sealed partial class EventLog(SwarmDatabase db, TimeProvider time, IOptions<GatewayOptions> options, ILogger<EventLog> logger) : IEventSink
{
    private const int TrimEvery = 256;

    private readonly ChangeSignal _signal = new();
    private long _appended;

    /// <summary>Called in-process for each event after it is stored (metrics).</summary>
    public event Action<SwarmEvent>? Appended;

    public Task Next => _signal.Next;

    public async Task PublishAsync(params SwarmEvent[] events)
    {
        if (events.Length == 0)
        {
            return;
        }

        List<SwarmEvent> stored;
        try
        {
            // Never the caller's token: the change is committed already, its event must be recorded too.
            stored = await db.WriteAsync(async (connection, tx) =>
            {
                var list = new List<SwarmEvent>(events.Length);
                foreach (var draft in events)
                {
                    var at = time.GetUtcNow();
                    var body = JsonSerializer.Serialize(draft with { Seq = 0, At = at }, SwarmJsonContext.Default.SwarmEvent);
                    var seq = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                        "INSERT INTO events (at, type, body) VALUES ($at, $type, $body) RETURNING seq", CancellationToken.None,
                        ("$at", at.ToUnixTimeMilliseconds()), ("$type", draft.Type), ("$body", body)));
                    list.Add(draft with { Seq = seq, At = at });
                }

                // Inside the write lock: the counter needs no further synchronisation.
                var before = _appended;
                _appended += events.Length;
                if (before / TrimEvery != _appended / TrimEvery)
                {
                    await SwarmDatabase.ExecuteAsync(connection, tx, "DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - $max",
                        CancellationToken.None, ("$max", Math.Max(1, options.Value.Events.MaxHistory)));
                }

                return list;
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or ObjectDisposedException)
        {
            LogAppendFailed(ex, events[0].Type);
            return;
        }

        _signal.Pulse();
        foreach (var e in stored)
        {
            Appended?.Invoke(e);
        }
    }

    /// <summary>Events with a sequence number above <paramref name="after"/>, oldest first.</summary>
    public Task<IReadOnlyList<SwarmEvent>> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<SwarmEvent>>(async connection =>
        {
            var list = new List<SwarmEvent>();
            await using var command = SwarmDatabase.Command(connection, null, "SELECT seq, body FROM events WHERE seq > $after ORDER BY seq LIMIT $n",
                ("$after", after), ("$n", limit));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var e = JsonSerializer.Deserialize(reader.GetString(1), SwarmJsonContext.Default.SwarmEvent)!;
                list.Add(e with { Seq = reader.GetInt64(0) });
            }

            return list;
        }, cancellationToken);

    /// <summary>The oldest and newest sequence numbers kept (0 when there are none).</summary>
    public Task<(long Oldest, long Last)> RangeAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = SwarmDatabase.Command(connection, null, "SELECT COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM events");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a {Type} event")]
    private partial void LogAppendFailed(Exception ex, string type);
}

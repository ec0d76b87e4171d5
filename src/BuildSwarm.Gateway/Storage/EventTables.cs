using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Gateway.Storage;

/// <summary>
/// Owner of <c>events</c>: sequence numbers come from the database inside the serialised write
/// transaction, so commit order is sequence order. Keeps the newest <c>maxHistory</c> events.
/// </summary>
public sealed class EventTables(SwarmDatabase db)
{
    private const int TrimEvery = 256;

    private long _appended;

    /// <summary>Stores drafts stamped with <paramref name="at"/>'s time; returns them numbered.</summary>
    public Task<List<SwarmEvent>> AppendAsync(IReadOnlyList<SwarmEvent> drafts, Func<DateTimeOffset> at, int maxHistory) =>
        // Never the caller's token: the change is committed already, its event must be recorded too.
        db.WriteAsync(async (connection, tx) =>
        {
            var list = new List<SwarmEvent>(drafts.Count);
            foreach (var draft in drafts)
            {
                var when = at();
                var body = JsonSerializer.Serialize(draft with { Seq = 0, At = when }, SwarmJsonContext.Default.SwarmEvent);
                var seq = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                    "INSERT INTO events (at, type, body) VALUES ($at, $type, $body) RETURNING seq", CancellationToken.None,
                    ("$at", when.ToUnixTimeMilliseconds()), ("$type", draft.Type), ("$body", body)));
                list.Add(draft with { Seq = seq, At = when });
            }

            // Inside the write lock: the counter needs no further synchronisation.
            var before = _appended;
            _appended += drafts.Count;
            if (before / TrimEvery != _appended / TrimEvery)
            {
                await SwarmDatabase.ExecuteAsync(connection, tx, "DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - $max",
                    CancellationToken.None, ("$max", Math.Max(1, maxHistory)));
            }

            return list;
        }, CancellationToken.None);

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
}

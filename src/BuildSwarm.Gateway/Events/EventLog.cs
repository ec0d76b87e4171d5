using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Events;

/// <summary>
/// The numbered, bounded, durable history of swarm events. Sequence numbers come from the database inside
/// the serialised write transaction (<see cref="EventTables"/>), so commit order is sequence order and a reader that has seen
/// event N and reads "after N" never skips one.
/// </summary>
public sealed partial class EventLog(EventTables tables, TimeProvider time, IOptions<GatewayOptions> options, ILogger<EventLog> logger) : IEventSink
{
    private readonly ChangeSignal _signal = new();

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
            stored = await tables.AppendAsync(events, time.GetUtcNow, options.Value.Events.MaxHistory);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or ObjectDisposedException)
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
        tables.ReadAfterAsync(after, limit, cancellationToken);

    /// <summary>The oldest and newest sequence numbers kept (0 when there are none).</summary>
    public Task<(long Oldest, long Last)> RangeAsync(CancellationToken cancellationToken) => tables.RangeAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a {Type} event")]
    private partial void LogAppendFailed(Exception ex, string type);
}

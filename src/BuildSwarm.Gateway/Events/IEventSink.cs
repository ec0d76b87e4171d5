using BuildSwarm.Core.Contracts;
namespace BuildSwarm.Gateway.Events;

/// <summary>
/// Where state changes are reported, once each, after the change is committed. Implementations
/// number and store the events; <see cref="SwarmEvent.Seq"/> and <see cref="SwarmEvent.At"/> of
/// what is passed in are ignored.
/// </summary>
public interface IEventSink
{
    Task PublishAsync(params SwarmEvent[] events);
}

/// <summary>Builds event drafts; the sink numbers and stamps them.</summary>
public static class SwarmEvents
{
    public static SwarmEvent Draft(string type, string? buildId = null, long? jobId = null, string? cpv = null, string? drone = null,
        string? state = null, string? detail = null, double? seconds = null) =>
        new(0, default, type, buildId, jobId, cpv, drone, state, detail, seconds);
}

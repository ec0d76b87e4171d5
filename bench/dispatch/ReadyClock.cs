using System.Collections.Concurrent;

namespace Dispatch;

/// <summary>
/// When each job could first be leased, as the driver sees it: its build's submit answered and (in a chain) the package
/// before it published. ask→lease is counted from the later of the ask and that moment, so it measures dispatch, not
/// a drone idling while there is nothing to give it.
/// </summary>
internal sealed class ReadyClock(IReadOnlyDictionary<string, string> dependencies)
{
    private readonly ConcurrentDictionary<string, long> _submitted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _published = new(StringComparer.Ordinal);

    public void Submitted(IEnumerable<string> cpvs, long timestamp)
    {
        foreach (var cpv in cpvs)
        {
            _submitted[cpv] = timestamp;
        }
    }

    public void Published(string cpv, long timestamp) => _published[cpv] = timestamp;

    /// <summary>The ready moment, or 0 when not yet known (the lease came before the driver saw the submit answer).</summary>
    public long ReadyAt(string cpv)
    {
        var ready = _submitted.GetValueOrDefault(cpv);
        if (dependencies.TryGetValue(cpv, out var dependency))
        {
            ready = Math.Max(ready, _published.GetValueOrDefault(dependency));
        }

        return ready;
    }
}

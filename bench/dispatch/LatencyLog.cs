using System.Collections.Concurrent;

namespace Dispatch;

/// <summary>Milliseconds per hop, collected from every simulated drone without a lock.</summary>
internal sealed class LatencyLog
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _hops = new(StringComparer.Ordinal);

    public void Add(string hop, double milliseconds) => _hops.GetOrAdd(hop, _ => []).Add(milliseconds);

    public HopSummary Summary(string hop)
    {
        if (!_hops.TryGetValue(hop, out var bag) || bag.IsEmpty)
        {
            return new HopSummary(hop, 0, double.NaN, double.NaN, double.NaN);
        }

        var sorted = bag.ToArray();
        Array.Sort(sorted);
        return new HopSummary(hop, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record HopSummary(string Hop, int Count, double P50, double P99, double Max);

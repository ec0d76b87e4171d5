using System.Collections.Concurrent;
using System.Net;

namespace BuildSwarm.Hosting.Http;

/// <summary>
/// Counts failed authentications per source address in one-minute windows. A source over the limit gets 429 on
/// every request that carries a credential until its window ends, so tokens cannot be guessed at network speed;
/// requests without a credential (public routes, a drone asking for discovery) are never limited.
/// </summary>
public sealed class AuthFailureLimiter(HttpSecurityOptions options, TimeProvider time)
{
    private const int MaxSources = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPAddress, Counter> _sources = new();

    /// <summary>How long the source must wait, or null when it may try.</summary>
    public TimeSpan? RetryAfter(IPAddress? source)
    {
        if (options.AuthFailuresPerMinute <= 0 || source is null || !_sources.TryGetValue(source, out var counter))
        {
            return null;
        }

        var left = counter.Start + Window - time.GetUtcNow();
        return left > TimeSpan.Zero && Volatile.Read(ref counter.Failures) >= options.AuthFailuresPerMinute ? left : null;
    }

    public void Failed(IPAddress? source)
    {
        if (options.AuthFailuresPerMinute <= 0 || source is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_sources.Count >= MaxSources)
        {
            foreach (var (address, old) in _sources)
            {
                if (old.Start + Window < now)
                {
                    _sources.TryRemove(address, out _);
                }
            }
        }

        var counter = _sources.AddOrUpdate(source, _ => new Counter(now), (_, c) => c.Start + Window < now ? new Counter(now) : c);
        Interlocked.Increment(ref counter.Failures);
    }

    private sealed class Counter(DateTimeOffset start)
    {
        public readonly DateTimeOffset Start = start;
        public int Failures;
    }
}

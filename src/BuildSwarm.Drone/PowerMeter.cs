using System.Globalization;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone;

/// <summary>
/// This machine's power draw: measured from the RAPL energy counters
/// (<c>/sys/class/powercap/*/energy_uj</c>, the change over time, across the counter's wrap at
/// <c>max_energy_range_uj</c>) when they are readable, else estimated from the configured idle and
/// full-load watts scaled by the load average per core.
/// </summary>
public sealed class PowerMeter(PowerOptions options, int cores, TimeProvider time)
{
    private readonly Dictionary<string, (long Microjoules, DateTimeOffset At)> _last = new(StringComparer.Ordinal);

    /// <summary>Watts and their source ("rapl" or "estimate"); null watts when there is nothing to tell yet.</summary>
    public (double? Watts, string? Source) Read(double load1)
    {
        if (!options.Enabled)
        {
            return (null, null);
        }

        var domains = Domains();
        if (domains.Count > 0)
        {
            return (Rapl(domains), "rapl");
        }

        var busy = Math.Clamp(load1 / Math.Max(1, cores), 0, 1);
        return (options.IdleWatts + ((options.LoadWatts - options.IdleWatts) * busy), "estimate");
    }

    private double? Rapl(IReadOnlyList<(string Name, long Microjoules, long Range)> domains)
    {
        var now = time.GetUtcNow();
        double joules = 0;
        double? seconds = null;
        foreach (var (name, microjoules, range) in domains)
        {
            if (_last.TryGetValue(name, out var last) && now > last.At)
            {
                var delta = microjoules >= last.Microjoules ? microjoules - last.Microjoules : range - last.Microjoules + microjoules;
                joules += delta / 1e6;
                seconds = (now - last.At).TotalSeconds;
            }

            _last[name] = (microjoules, now);
        }

        // The first reading only primes the counters: power needs two.
        return seconds is { } s ? joules / s : null;
    }

    /// <summary>Readable package domains (<c>intel-rapl:N</c>); their sub-domains are parts of them and are not added again.</summary>
    private List<(string Name, long Microjoules, long Range)> Domains()
    {
        var found = new List<(string, long, long)>();
        try
        {
            if (!Directory.Exists(options.RaplPath))
            {
                return found;
            }

            foreach (var dir in Directory.EnumerateDirectories(options.RaplPath).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(dir);
                if (name.Count(c => c == ':') != 1 || !File.Exists(Path.Combine(dir, "energy_uj")))
                {
                    continue;
                }

                // psys covers the whole platform, packages included: counting both would count twice.
                if (File.Exists(Path.Combine(dir, "name")) && File.ReadAllText(Path.Combine(dir, "name")).Trim() == "psys")
                {
                    continue;
                }

                var energy = long.Parse(File.ReadAllText(Path.Combine(dir, "energy_uj")).Trim(), CultureInfo.InvariantCulture);
                var rangeFile = Path.Combine(dir, "max_energy_range_uj");
                var range = File.Exists(rangeFile) ? long.Parse(File.ReadAllText(rangeFile).Trim(), CultureInfo.InvariantCulture) : long.MaxValue;
                found.Add((name, energy, range));
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or FormatException or OverflowException)
        {
            // energy_uj is root-only on most kernels since 2020: fall back to the estimate.
            return [];
        }

        return found;
    }
}

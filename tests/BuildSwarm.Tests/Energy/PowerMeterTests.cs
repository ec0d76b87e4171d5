using BuildSwarm.Drone;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Energy;

public sealed class PowerMeterTests
{
    [Fact]
    public void Rapl_power_is_the_energy_change_over_time_across_the_counter_wrap()
    {
        using var dir = new TempDir();
        var package = dir.Sub("intel-rapl:0");
        var core = dir.Sub("intel-rapl:0:0"); // a part of the package: must not be added again
        File.WriteAllText(Path.Combine(package, "name"), "package-0\n");
        File.WriteAllText(Path.Combine(package, "max_energy_range_uj"), "1000000000\n");
        File.WriteAllText(Path.Combine(core, "energy_uj"), "5\n");
        var time = new FakeTimeProvider();
        var meter = new PowerMeter(new PowerOptions { RaplPath = dir.Path }, 4, time);

        File.WriteAllText(Path.Combine(package, "energy_uj"), "999000000\n");
        Assert.Equal((null, "rapl"), meter.Read(0)); // the first reading only primes the counter

        time.Advance(TimeSpan.FromSeconds(10));
        File.WriteAllText(Path.Combine(package, "energy_uj"), "499000000\n"); // wrapped: 1 J + 499 J = 500 J in 10 s
        var (watts, source) = meter.Read(0);
        Assert.Equal("rapl", source);
        Assert.Equal(50, watts!.Value, precision: 6);
    }

    [Fact]
    public void Without_readable_rapl_the_estimate_scales_idle_to_load_watts_by_load_per_core()
    {
        using var dir = new TempDir();
        var meter = new PowerMeter(new PowerOptions { RaplPath = Path.Combine(dir.Path, "absent"), IdleWatts = 20, LoadWatts = 120 }, 8, new FakeTimeProvider());
        Assert.Equal((20.0, "estimate"), meter.Read(0));
        Assert.Equal((70.0, "estimate"), meter.Read(4));
        Assert.Equal((120.0, "estimate"), meter.Read(16));
        Assert.Equal((null, null), new PowerMeter(new PowerOptions { Enabled = false }, 8, new FakeTimeProvider()).Read(4));
    }
}

using BuildSwarm.Gateway.Energy;
using Microsoft.Extensions.Time.Testing;

namespace BuildSwarm.Tests.Energy;

public sealed class PowerIntegratorTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_linear_power_ramp_integrates_to_its_exact_area()
    {
        // 100 W rising to 200 W over one hour, sampled every 10 s: the area is 150 Wh exactly.
        var time = new FakeTimeProvider(Start);
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        for (var t = 0; t <= 3600; t += 10)
        {
            integrator.Report("d1", 100 + (100.0 * t / 3600), []);
            time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(150 * 3600, integrator.TotalJoules, precision: 6);
        Assert.Equal(integrator.TotalJoules, integrator.TodayJoules, precision: 6);
    }

    [Fact]
    public void A_sine_curve_is_integrated_within_the_trapezoid_error()
    {
        // 300 + 100 sin(2πt/600) W over 1800 s (three periods): the sine part cancels, 150 Wh remain.
        var time = new FakeTimeProvider(Start);
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        for (var t = 0; t <= 1800; t += 5)
        {
            integrator.Report("d1", 300 + (100 * Math.Sin(2 * Math.PI * t / 600)), []);
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.InRange(integrator.TotalJoules / 3600, 149.9, 150.1);
    }

    [Fact]
    public void A_drone_that_stops_reporting_adds_nothing_for_the_silence()
    {
        var time = new FakeTimeProvider(Start);
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        integrator.Report("d1", 100, []);
        time.Advance(TimeSpan.FromSeconds(30));
        integrator.Report("d1", 100, []); // 3000 J
        time.Advance(TimeSpan.FromSeconds(30));
        integrator.Offline("d1");
        Assert.Equal(0, integrator.CurrentWatts);
        time.Advance(TimeSpan.FromHours(2));
        integrator.Report("d1", 100, []); // a new first sample: the two hours are not counted
        time.Advance(TimeSpan.FromSeconds(10));
        integrator.Report("d1", 100, []); // 1000 J

        time.Advance(TimeSpan.FromMinutes(5)); // longer than the gap, without an offline report
        Assert.Equal(0, integrator.CurrentWatts);
        integrator.Report("d1", 100, []);

        Assert.Equal(4000, integrator.TotalJoules, precision: 6);
    }

    [Fact]
    public void Energy_while_building_is_split_equally_between_the_running_jobs()
    {
        var time = new FakeTimeProvider(Start);
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        JobRef a = new(1, "b1", "dev-libs/a-1"), b = new(2, "b2", "dev-libs/b-1");
        integrator.Report("d1", 200, [a, b]);
        time.Advance(TimeSpan.FromSeconds(10));
        integrator.Report("d1", 200, [a]); // 2000 J, 1000 J each
        time.Advance(TimeSpan.FromSeconds(10));
        integrator.Report("d1", 100, []); // 1500 J, all to a
        time.Advance(TimeSpan.FromSeconds(10));
        integrator.Report("d1", 100, []); // 1000 J, idle: nobody's
        integrator.Report("d2", 50, [b]);

        Assert.Equal(4500, integrator.TotalJoules, precision: 6);
        Assert.Equal(2500, integrator.Joules(PowerIntegrator.Package, "dev-libs/a-1"), precision: 6);
        Assert.Equal(1000, integrator.Joules(PowerIntegrator.Build, "b2"), precision: 6);
        Assert.Equal(150, integrator.CurrentWatts, precision: 6);
        Assert.Equal([("dev-libs/a-1", 2500.0), ("dev-libs/b-1", 1000.0)], integrator.Top(PowerIntegrator.Package, 5).Select(t => (t.Key, Math.Round(t.Joules, 6))));
    }

    [Fact]
    public void An_interval_across_midnight_is_split_between_the_two_days()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 23, 59, 50, TimeSpan.Zero));
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        integrator.Report("d1", 100, []);
        time.Advance(TimeSpan.FromSeconds(20));
        integrator.Report("d1", 300, []); // 10 s before midnight (100→200 W: 1500 J), 10 s after (200→300 W: 2500 J)

        Assert.Equal(4000, integrator.TotalJoules, precision: 6);
        Assert.Equal(2500, integrator.TodayJoules, precision: 6);
        Assert.Equal(1500, integrator.Joules(PowerIntegrator.Day, "2025-03-01"), precision: 6);
    }

    [Fact]
    public void Unsaved_energy_is_handed_out_once_and_seeded_totals_add_up()
    {
        var time = new FakeTimeProvider(Start);
        var integrator = new PowerIntegrator(time, TimeSpan.FromSeconds(60));
        integrator.Seed([(PowerIntegrator.Total, PowerIntegrator.Total, 1_000_000)]);
        integrator.Report("d1", 100, []);
        time.Advance(TimeSpan.FromSeconds(10));
        integrator.Report("d1", 100, []);

        var unsaved = integrator.TakeUnsaved();
        Assert.Contains((PowerIntegrator.Total, PowerIntegrator.Total, 1000.0), unsaved);
        Assert.Empty(integrator.TakeUnsaved());
        Assert.Equal(1_001_000, integrator.TotalJoules, precision: 6);
    }
}

using BuildSwarm.Core.Scheduling;

namespace BuildSwarm.Core.Tests.Scheduling;

public sealed class BuildTimeEstimatorTests
{
    private const string Gcc = "sys-devel/gcc-14.2.1";

    [Fact]
    public void Unknown_packages_get_the_configured_default()
    {
        var estimator = new BuildTimeEstimator(new EstimatorOptions { DefaultSeconds = 120 });

        Assert.Equal(120, estimator.Seconds("app-misc/never-seen-1.0", 8, 1.0), 6);
        Assert.False(estimator.Knows("app-misc/never-seen-1.0"));
    }

    [Fact]
    public void Learns_a_moving_average_normalised_to_the_reference_drone()
    {
        var estimator = new BuildTimeEstimator(new EstimatorOptions { Smoothing = 0.5, SpeedSmoothing = 0 });

        estimator.Record(new BuildSample(Gcc, "ref", 8, 600));
        Assert.Equal(600, estimator.Seconds(Gcc, 8, 1.0), 6);

        estimator.Record(new BuildSample(Gcc, "ref2", 8, 1000));
        Assert.Equal(800, estimator.ReferenceSeconds(Gcc), 6);
    }

    [Fact]
    public void Scales_by_cores_with_amdahl_and_by_speed()
    {
        var estimator = new BuildTimeEstimator(new EstimatorOptions { ReferenceCores = 8, ParallelFraction = 0.75 });
        estimator.Record(new BuildSample(Gcc, "ref", 8, 800));

        Assert.Equal(800 * (0.25 + 0.375), estimator.Seconds(Gcc, 16, 1.0), 6);
        Assert.Equal(400, estimator.Seconds(Gcc, 8, 2.0), 6);

        // A 16-core sample is normalised back before it is averaged in.
        var other = new BuildTimeEstimator(new EstimatorOptions { ReferenceCores = 8, ParallelFraction = 0.75 });
        other.Record(new BuildSample(Gcc, "big", 16, 500));
        Assert.Equal(800, other.ReferenceSeconds(Gcc), 6);
    }

    [Fact]
    public void A_new_version_starts_from_the_previous_one()
    {
        var estimator = new BuildTimeEstimator();
        estimator.Record(new BuildSample(Gcc, "ref", 8, 3000));

        Assert.Equal(3000, estimator.ReferenceSeconds("sys-devel/gcc-15.1.0"), 6);
        Assert.Equal(300, estimator.ReferenceSeconds("sys-devel/binutils-2.43"), 6);
    }

    [Fact]
    public void Learns_that_a_drone_is_faster_than_expected()
    {
        var estimator = new BuildTimeEstimator(new EstimatorOptions { Smoothing = 0, SpeedSmoothing = 0.5 });
        estimator.Record(new BuildSample(Gcc, "ref", 8, 1000));
        Assert.Equal(1.0, estimator.SpeedOf("quick"));

        estimator.Record(new BuildSample(Gcc, "quick", 8, 500));
        Assert.Equal(1.5, estimator.SpeedOf("quick"), 6);

        for (var i = 0; i < 10; i++)
        {
            estimator.Record(new BuildSample(Gcc, "quick", 8, 500));
        }

        Assert.InRange(estimator.SpeedOf("quick"), 1.99, 2.0);
        Assert.Equal(1.0, estimator.SpeedOf("ref"));
    }

    [Fact]
    public void Shares_a_surprise_between_the_drone_and_the_package()
    {
        var estimator = new BuildTimeEstimator();
        estimator.Record(new BuildSample(Gcc, "ref", 8, 1000));

        estimator.Record(new BuildSample(Gcc, "quick", 8, 500));

        Assert.InRange(estimator.SpeedOf("quick"), 1.01, 1.99);
        Assert.InRange(estimator.ReferenceSeconds(Gcc), 501, 999);
    }

    [Fact]
    public void An_implausible_sample_moves_a_drone_speed_by_a_bounded_step()
    {
        var estimator = new BuildTimeEstimator(new EstimatorOptions { SpeedSmoothing = 1 });
        estimator.Record(new BuildSample(Gcc, "ref", 8, 1000));

        estimator.Record(new BuildSample(Gcc, "glitch", 8, 1));

        Assert.Equal(4.0, estimator.SpeedOf("glitch"), 6);
    }

    [Fact]
    public void Exports_and_imports_what_it_learned()
    {
        var estimator = new BuildTimeEstimator();
        estimator.Record(new BuildSample(Gcc, "ref", 8, 1000));
        estimator.Record(new BuildSample(Gcc, "quick", 8, 500));

        var state = estimator.Export();
        var restored = new BuildTimeEstimator();
        restored.Import(state);

        Assert.Equal(estimator.ReferenceSeconds(Gcc), restored.ReferenceSeconds(Gcc), 6);
        Assert.Equal(estimator.SpeedOf("quick"), restored.SpeedOf("quick"), 6);
        Assert.Equal(state, restored.Export(), new StateComparer());
        Assert.Contains(state.Packages, p => p.PackageKey == "sys-devel/gcc" && p.Samples == 2);
    }

    [Fact]
    public void Refuses_a_build_that_took_no_time()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BuildTimeEstimator().Record(new BuildSample(Gcc, "d", 8, 0)));
    }

    [Fact]
    public void Exports_only_the_packages_and_drones_asked_for()
    {
        var estimator = new BuildTimeEstimator();
        estimator.Record(new BuildSample(Gcc, "ref", 8, 600));
        estimator.Record(new BuildSample(Gcc, "ref", 8, 700)); // a known package teaches the drone's speed
        estimator.Record(new BuildSample("dev-lang/rust-1.80.0", "big", 16, 900));

        var changed = estimator.Export([Gcc, "sys-devel/gcc", "app-misc/unknown-1"], ["ref", "nobody"]);

        Assert.Equal(["sys-devel/gcc", Gcc], changed.Packages.Select(p => p.PackageKey).Order(StringComparer.Ordinal));
        Assert.Equal(["ref"], changed.Drones.Select(d => d.DroneId));
        var all = estimator.Export();
        Assert.Equal(all.Packages.Single(p => p.PackageKey == Gcc), changed.Packages.Single(p => p.PackageKey == Gcc));
    }

    private sealed class StateComparer : IEqualityComparer<EstimatorState>
    {
        public bool Equals(EstimatorState? x, EstimatorState? y) =>
            x is not null && y is not null && x.Packages.SequenceEqual(y.Packages) && x.Drones.SequenceEqual(y.Drones);

        public int GetHashCode(EstimatorState obj) => obj.Packages.Count;
    }
}

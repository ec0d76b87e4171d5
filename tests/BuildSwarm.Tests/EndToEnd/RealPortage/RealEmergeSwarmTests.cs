using System.Text.RegularExpressions;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure.Portage;

namespace BuildSwarm.Tests.EndToEnd.RealPortage;

/// <summary>
/// Issue 14, item 3: three drones with the emerge builder run the vendored Portage's real emerge, each in its own
/// prefix as the test user, and build the test repository (tests/portage-repo) through the swarm.
/// </summary>
[Collection(RealPortageCollection.Name)]
public sealed partial class RealEmergeSwarmTests(PortagePlayground playground, RealEmergeSwarm fixture) : IClassFixture<RealEmergeSwarm>
{
    private const string Broken = "app-misc/broken-1.0";

    [Fact]
    public async Task Three_real_emerge_drones_build_every_package_once_with_dependencies_from_the_binhost_and_the_broken_one_is_stuck()
    {
        var build = await fixture.BuildAsync(playground);
        var swarm = fixture.Swarm;
        TestContext.Current.TestOutputHelper?.WriteLine($"real-emerge swarm build: {fixture.BuildTime.TotalSeconds:F0} s, playground setup {playground.SetupTime.TotalSeconds:F0} s");

        Assert.Equal(12, fixture.Graph.Packages!.Count);
        Assert.Contains("dev-libs/libcount-2.0", fixture.Graph.Packages.Single(p => p.Cpv == "app-misc/counter-1.0").Deps!);
        Assert.Contains("dev-util/mkgen-1.0", fixture.Graph.Packages.Single(p => p.Cpv == "dev-libs/libframe-1.0").Deps!); // BDEPEND
        foreach (var job in build.Jobs.Where(j => j.Cpv != Broken))
        {
            Assert.True((job.State, job.Attempts) == (JobState.Done, 0), $"{job.Cpv}: {job.State} after {job.Attempts} attempts: {job.Error}\n{swarm.Logs}");
        }

        var broken = build.Jobs.Single(j => j.Cpv == Broken);
        Assert.Equal(JobState.Stuck, broken.State);
        Assert.Equal($"{Broken}::gentoo failed in the compile phase: emake failed (emerge exited with code 1)", broken.Error);
        var brokenLog = await fixture.JobLogAsync(broken.Id);
        Assert.Contains($" * ERROR: {Broken}::gentoo failed (compile phase):", brokenLog, StringComparison.Ordinal);
        Assert.Contains("broken.c", brokenLog, StringComparison.Ordinal); // the compiler's own complaint is in the log

        // Every package compiled exactly once in the whole swarm, by the drone whose job it was; everything else a drone
        // has installed came from the binhost (Portage's own record: its vdb, and its cache of downloaded packages).
        var rebuilt = fixture.Rebuilt;
        var compiled = new List<string>();
        foreach (var drone in fixture.Drones)
        {
            var here = drone.Installed().Except(drone.Fetched()).Where(c => !rebuilt.Contains(c)).Order(StringComparer.Ordinal).ToList();
            var jobs = build.Jobs.Where(j => j.Drone == drone.Name && j.State == JobState.Done && !rebuilt.Contains(j.Cpv)).Select(j => j.Cpv).Order(StringComparer.Ordinal);
            Assert.Equal(jobs, here);
            compiled.AddRange(here);
        }

        Assert.Equal(build.Jobs.Where(j => j.State == JobState.Done && !rebuilt.Contains(j.Cpv)).Select(j => j.Cpv).Order(StringComparer.Ordinal), compiled.Order(StringComparer.Ordinal));
        var fetched = fixture.Drones.SelectMany(d => d.Fetched()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("dev-libs/libbase-1.0", fetched);
        Assert.Contains("dev-util/mkgen-1.0", fetched); // a BDEPEND, fetched as a binary too
        Assert.Contains("dev-libs/libframe-1.0", fetched);

        // Published: every package but the broken one, as the gpkg Portage made (the clients check the gateway's signatures);
        // a package the client test built again is in the index twice (BUILD_ID 1 and 2).
        var (_, entries) = PackagesIndex.Read(await swarm.Http.GetStringAsync("binhost/Packages"));
        Assert.Equal(build.Jobs.Where(j => j.Cpv != Broken).Select(j => j.Cpv).Order(StringComparer.Ordinal), entries.Select(e => e["CPV"]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.EndsWith(".gpkg.tar", e["PATH"], StringComparison.Ordinal));
        Assert.Equal("2", entries.Single(e => e["CPV"] == "dev-libs/libcount-2.0")["SLOT"]);
        // The client test may have built hello again (a second BUILD_ID) before this reads the index: any instance will do.
        Assert.Contains(entries.Where(e => e["CPV"] == "app-misc/hello-1.0"), e => e["USE"].Split(' ').Contains(RealEmergeDrone.Use));
        Assert.Equal(3, build.Jobs.Select(j => j.Drone).Distinct().Count());
    }

    [GeneratedRegex(@"^>>> Emerging binary \(\d+ of \d+\) (\S+?)(?:-\d+)?::gentoo", RegexOptions.Multiline)]
    private static partial Regex BinaryInstall();
}

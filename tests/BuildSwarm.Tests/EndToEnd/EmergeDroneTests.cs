using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Tests.EndToEnd;

/// <summary>Drones with the emerge builder, running the stand-in emerge, as separate processes.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class EmergeDroneTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private const string Tree = "Sat, 28 Nov 2026 00:45:01 +0000";

    [Fact]
    public async Task Two_emerge_drones_build_twenty_packages_each_once_with_every_dependency_from_the_binhost()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var graph = Graphs.TwentyPackages() with { TreeSnapshot = Tree };
        var deps = StandInEmerge.WriteDeps(swarm.Root, graph);
        var log = Path.Combine(swarm.Root, "emerge.log");
        var repo = StandInEmerge.Repo(Path.Combine(swarm.Root, "repo"), Tree);
        swarm.StartDrone("drone-a", "", slots: 2, environment: StandInEmerge.DroneEnvironment(repo, deps, log));
        swarm.StartDrone("drone-b", "", slots: 2, environment: StandInEmerge.DroneEnvironment(repo, deps, log));

        var submitted = await swarm.SubmitAsync(graph);
        var build = await swarm.WaitForBuildAsync(submitted.BuildId, BuildTimeout);

        Assert.True(build.State == "done", swarm.Logs + File.ReadAllText(log));
        Assert.All(build.Jobs, job => Assert.Equal((JobState.Done, 0), (job.State, job.Attempts)));
        var lines = await File.ReadAllLinesAsync(log);
        // Nothing compiled twice: each package was built once, and every dependency came from the binhost.
        var built = lines.Where(l => l.StartsWith("built ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal(graph.Packages!.Select(p => p.Cpv!).Order(StringComparer.Ordinal), built.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("missing ", StringComparison.Ordinal));
        foreach (var package in graph.Packages!)
        {
            foreach (var dep in Closure(graph, package.Cpv!))
            {
                Assert.Contains($"fetched {dep} for {package.Cpv}", lines);
            }
        }

        // The real command line: dependencies as binaries, the package itself compiled and packed.
        Assert.Contains(lines, l => l.StartsWith("run --oneshot --usepkg --getbinpkg --buildpkg --usepkg-exclude=app-misc/pkg30 ", StringComparison.Ordinal)
            && l.Contains("=app-misc/pkg30-1.0 PORTAGE_CONFIGROOT=", StringComparison.Ordinal));
        var (_, entries) = PackagesIndex.Read(await swarm.Http.GetStringAsync("binhost/Packages"));
        Assert.Equal(20, entries.Count);
        Assert.Contains("drone-a", build.Jobs.Select(j => j.Drone));
        Assert.Contains("drone-b", build.Jobs.Select(j => j.Drone));
    }

    [Fact]
    public async Task A_stale_tree_is_refused_without_a_sync_command_synced_with_one_and_a_broken_package_reports_its_phase()
    {
        await using var swarm = new LocalSwarm(new Dictionary<string, string> { ["BUILDSWARM_Gateway__MaxAttempts"] = "1" });
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var graph = new SubmitBuildRequest([new("app-misc/solo-1.0", []), new("app-misc/fresh-1.0", []), new("app-misc/broken-1.0", [])]);
        var deps = StandInEmerge.WriteDeps(swarm.Root, graph);
        var log = Path.Combine(swarm.Root, "emerge.log");

        // A drone for another target only: it must never get a job of the default target.
        var other = StandInEmerge.Repo(Path.Combine(swarm.Root, "repo-arm"), "old");
        swarm.StartDrone("drone-arm", "", environment: StandInEmerge.DroneEnvironment(other, deps, log, target: "arm64"));
        var stale = StandInEmerge.Repo(Path.Combine(swarm.Root, "repo-stale"), "old");
        var nosync = swarm.StartDrone("drone-nosync", "", environment: StandInEmerge.DroneEnvironment(stale, deps, log));

        var refused = await swarm.WaitForBuildSettledAsync((await swarm.SubmitAsync(new SubmitBuildRequest([graph.Packages![0]], TreeSnapshot: "new"))).BuildId, BuildTimeout);
        var job = Assert.Single(refused.Jobs);
        Assert.Equal((JobState.Stuck, "drone-nosync"), (job.State, job.Drone)); // MaxAttempts 1: only a sweeper may try again
        Assert.Contains("is at 'old' but the build was planned on 'new'", job.Error, StringComparison.Ordinal);
        Assert.Contains("Drone:Portage:SyncCommand", job.Error, StringComparison.Ordinal);
        await nosync.KillAsync();

        var repo = StandInEmerge.Repo(Path.Combine(swarm.Root, "repo"), "old");
        var sync = Path.Combine(swarm.Root, "sync.sh");
        File.WriteAllText(sync, "#!/bin/sh\necho \"syncing to $BUILDSWARM_TREE_SNAPSHOT\"\nprintf '%s\\n' \"$BUILDSWARM_TREE_SNAPSHOT\" > \"$BUILDSWARM_REPO_PATH/metadata/timestamp.chk\"\n");
        var environment = StandInEmerge.DroneEnvironment(repo, deps, log, syncCommand: $"sh '{sync}'");
        environment["BUILDSWARM_Drone__Builder__Environment__STANDIN_EMERGE_FAIL"] = "^app-misc/broken-";
        swarm.StartDrone("drone-sync", "", environment: environment);

        var synced = await swarm.WaitForBuildAsync((await swarm.SubmitAsync(new SubmitBuildRequest([graph.Packages[1]], TreeSnapshot: "new"))).BuildId, BuildTimeout);
        Assert.True(synced.State == "done", swarm.Logs);
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(repo, "metadata", "timestamp.chk")));

        var broken = await swarm.WaitForBuildSettledAsync((await swarm.SubmitAsync(new SubmitBuildRequest([graph.Packages[2]], TreeSnapshot: "new"))).BuildId, BuildTimeout);
        var failed = Assert.Single(broken.Jobs);
        Assert.Equal(JobState.Stuck, failed.State);
        Assert.Equal("app-misc/broken-1.0::gentoo failed in the compile phase: emake failed (emerge exited with code 1)", failed.Error);
        Assert.Contains(" * ERROR: app-misc/broken-1.0::gentoo failed (compile phase):", await LogTailAsync(swarm, failed.Id), StringComparison.Ordinal);

        Assert.DoesNotContain("drone-arm", refused.Jobs.Concat(synced.Jobs).Concat(broken.Jobs).Select(j => j.Drone));
        Assert.False(swarm.Drones[0].HasExited, swarm.Drones[0].Output);
    }

    private static HashSet<string> Closure(SubmitBuildRequest graph, string cpv)
    {
        var deps = graph.Packages!.ToDictionary(p => p.Cpv!, p => p.Deps ?? []);
        var seen = new HashSet<string>();
        var pending = new Stack<string>(deps[cpv]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var below in deps[next])
                {
                    pending.Push(below);
                }
            }
        }

        return seen;
    }

    private static async Task<string> LogTailAsync(LocalSwarm swarm, long jobId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(swarm.GatewayData, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT log_tail FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

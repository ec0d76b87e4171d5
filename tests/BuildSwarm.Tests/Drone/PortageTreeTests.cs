using System.Diagnostics;
using BuildSwarm.Drone;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Hosting.Portage;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Drone;

public sealed class PortageTreeTests
{
    [Fact]
    public async Task Without_a_sync_command_a_job_of_another_snapshot_is_refused_with_both_snapshots_named()
    {
        using var dir = new TempDir();
        using var tree = new PortageTree(new DroneOptions { Portage = { RepoPath = StandInEmerge.Repo(dir.Sub("repo"), "old") } }, NullLogger<PortageTree>.Instance);

        Assert.Null(await tree.EnsureAsync(null, Path.Combine(dir.Path, "log"), CancellationToken.None));
        Assert.Null(await tree.EnsureAsync("old", Path.Combine(dir.Path, "log"), CancellationToken.None));
        var refusal = await tree.EnsureAsync("new", Path.Combine(dir.Path, "log"), CancellationToken.None);

        Assert.Equal($"Portage tree at {dir.Path}/repo is at 'old' but the build was planned on 'new', and no Drone:Portage:SyncCommand is configured to sync it", refusal);
    }

    [Fact]
    public async Task A_sync_that_does_not_reach_the_snapshot_is_reported_and_one_that_does_lets_the_job_run()
    {
        using var dir = new TempDir();
        var repo = StandInEmerge.Repo(dir.Sub("repo"), "old");
        var log = Path.Combine(dir.Path, "log");
        using var stuck = new PortageTree(new DroneOptions { Portage = { RepoPath = repo, SyncCommand = "echo mirror is behind; exit 0" } }, NullLogger<PortageTree>.Instance);
        using var working = new PortageTree(new DroneOptions { Portage = { RepoPath = repo, SyncCommand = "printf '%s\\n' \"$BUILDSWARM_TREE_SNAPSHOT\" > \"$BUILDSWARM_REPO_PATH/metadata/timestamp.chk\"" } }, NullLogger<PortageTree>.Instance);

        Assert.Contains("is at 'old', not 'new'", await stuck.EnsureAsync("new", log, CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains("mirror is behind", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Null(await working.EnsureAsync("new", log, CancellationToken.None));
        Assert.Equal("new", await TreeSnapshot.ReadAsync(repo, CancellationToken.None));
    }

    [Fact]
    public async Task A_git_checkout_is_identified_by_its_head_commit()
    {
        using var dir = new TempDir();
        var repo = StandInEmerge.Repo(dir.Sub("repo"), "ignored when git is there");
        Git(repo, "init", "-q");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "--allow-empty", "-m", "tree");

        var snapshot = await TreeSnapshot.ReadAsync(repo, CancellationToken.None);

        Assert.Equal(Git(repo, "rev-parse", "HEAD"), snapshot);
        Assert.Equal(40, snapshot!.Length);
    }

    private static string Git(string repo, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, WorkingDirectory = repo };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}

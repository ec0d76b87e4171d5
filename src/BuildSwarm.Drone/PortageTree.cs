using BuildSwarm.Drone.Builders;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Hosting.Portage;

namespace BuildSwarm.Drone;

/// <summary>
/// Keeps the drone's Portage tree on the snapshot a build was planned on: a package built from another
/// tree may be another version, with other dependencies, than the one the build graph names.
/// </summary>
public sealed partial class PortageTree(DroneOptions options, ILogger<PortageTree> logger) : IDisposable
{
    private readonly SemaphoreSlim _syncing = new(1, 1);

    /// <summary>Null when the tree is (now) on <paramref name="wanted"/>; otherwise why the job cannot be built here.</summary>
    public async Task<string?> EnsureAsync(string? wanted, string logFile, CancellationToken cancellationToken)
    {
        if (wanted is null)
        {
            return null;
        }

        var repo = options.Portage.RepoPath;
        if (await TreeSnapshot.ReadAsync(repo, cancellationToken) == wanted)
        {
            return null;
        }

        // One sync at a time: the other slots wait and then find the tree already where they need it.
        await _syncing.WaitAsync(cancellationToken);
        try
        {
            var current = await TreeSnapshot.ReadAsync(repo, cancellationToken);
            if (current == wanted)
            {
                return null;
            }

            if (string.IsNullOrWhiteSpace(options.Portage.SyncCommand))
            {
                return $"Portage tree at {repo} is at '{current ?? "unknown"}' but the build was planned on '{wanted}', and no Drone:Portage:SyncCommand is configured to sync it";
            }

            LogSyncing(repo, current ?? "unknown", wanted);
            var environment = new Dictionary<string, string> { ["BUILDSWARM_TREE_SNAPSHOT"] = wanted, ["BUILDSWARM_REPO_PATH"] = repo };
            var exit = await BuildProcess.RunAsync("/bin/sh", ["-c", options.Portage.SyncCommand], environment, Path.GetDirectoryName(logFile)!, logFile,
                TimeSpan.FromMinutes(options.Portage.SyncTimeoutMinutes), cancellationToken);
            var after = await TreeSnapshot.ReadAsync(repo, cancellationToken);
            if (after == wanted)
            {
                return null;
            }

            return exit == 0
                ? $"synced the Portage tree at {repo} but it is at '{after ?? "unknown"}', not '{wanted}' the build was planned on"
                : $"syncing the Portage tree at {repo} failed ({(exit is null ? "timed out" : $"exit code {exit}")}); it is at '{after ?? "unknown"}', the build needs '{wanted}'";
        }
        finally
        {
            _syncing.Release();
        }
    }

    public void Dispose() => _syncing.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Syncing the Portage tree at {Repo} from {Current} to {Wanted}")]
    private partial void LogSyncing(string repo, string current, string wanted);
}

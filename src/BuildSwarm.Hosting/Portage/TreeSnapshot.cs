using System.Diagnostics;

namespace BuildSwarm.Hosting.Portage;

/// <summary>Which snapshot of a Portage tree a repository directory holds; read by the drone and by <c>build-swarm plan</c>.</summary>
public static class TreeSnapshot
{
    /// <summary>
    /// The tree's snapshot: its git commit when the repository is a git checkout, else the first line of
    /// <c>metadata/timestamp.chk</c> (written by the rsync mirrors and emerge-webrsync); null when neither exists.
    /// </summary>
    public static async Task<string?> ReadAsync(string repoPath, CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path.Combine(repoPath, ".git")))
        {
            return await GitHeadAsync(repoPath, cancellationToken);
        }

        var stamp = Path.Combine(repoPath, "metadata", "timestamp.chk");
        return File.Exists(stamp) ? (await File.ReadAllLinesAsync(stamp, cancellationToken)).FirstOrDefault()?.Trim() : null;
    }

    private static async Task<string?> GitHeadAsync(string repoPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repoPath };
        foreach (var arg in (string[])["-C", repoPath, "rev-parse", "HEAD"])
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start);
        if (git is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            var output = git.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = git.StandardError.ReadToEndAsync(timeout.Token);
            await git.WaitForExitAsync(timeout.Token);
            var text = (await output).Trim();
            return git.ExitCode == 0 && text.Length > 0 ? text.Split('\n')[0] : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            git.Kill(entireProcessTree: true);
            return null;
        }
    }
}

using System.Diagnostics;

namespace Dispatch;

/// <summary>The <c>build-swarm</c> executable to measure: this checkout's, or a git revision's exported and built in a temp directory.</summary>
internal sealed class Baseline : IDisposable
{
    private readonly string? _temp;

    private Baseline(string dll, string? temp)
    {
        Dll = dll;
        _temp = temp;
    }

    public string Dll { get; }

    /// <summary>The commit a <c>--baseline-ref</c> resolved to when it was exported (a branch moves).</summary>
    public string? Commit { get; private init; }

    /// <summary>This checkout's Release build, built first unless <paramref name="build"/> is false.</summary>
    public static async Task<Baseline> CurrentAsync(string repo, bool build, CancellationToken cancellationToken)
    {
        if (build)
        {
            await BuildAsync(repo, cancellationToken);
        }

        return new Baseline(DllIn(repo), null);
    }

    /// <summary><c>git archive</c> of <paramref name="rev"/> into a temp directory (no worktree is registered), built Release.</summary>
    public static async Task<Baseline> OfRevisionAsync(string repo, string rev, CancellationToken cancellationToken)
    {
        var temp = Directory.CreateTempSubdirectory("dispatch-baseline.").FullName;
        try
        {
            var commit = (await RunAsync("git", ["-C", repo, "rev-parse", "--short", rev + "^{commit}"], cancellationToken)).Trim();
            await RunAsync("/bin/sh", ["-c", "git -C \"$1\" archive --format=tar \"$2\" | tar -x -C \"$3\"", "sh", repo, commit, temp], cancellationToken);
            await BuildAsync(temp, cancellationToken);
            return new Baseline(DllIn(temp), temp) { Commit = commit };
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>An executable built elsewhere; nothing to clean up.</summary>
    public static Baseline Existing(string dll) =>
        File.Exists(dll) ? new Baseline(dll, null) : throw new FileNotFoundException($"no {dll}");

    private static string DllIn(string root) => Path.Combine(root, "src", "BuildSwarm", "bin", "Release", "net10.0", "build-swarm.dll");

    private static async Task BuildAsync(string root, CancellationToken cancellationToken)
    {
        Console.WriteLine($"building {root}/src/BuildSwarm (Release) ...");
        await RunAsync("dotnet", ["build", Path.Combine(root, "src", "BuildSwarm"), "-c", "Release", "-m:1", "-nodeReuse:false", "-nologo", "-v", "quiet"], cancellationToken);
    }

    private static async Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }

        return await output;
    }

    public void Dispose()
    {
        if (_temp is not null && Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }
}

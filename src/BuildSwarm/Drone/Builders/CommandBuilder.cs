using System.Diagnostics;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Drone.Builders;

/// <summary>
/// Runs a configured shell command per job. The command learns what to build from
/// <c>BUILDSWARM_*</c> environment variables and leaves one package file in
/// <c>$BUILDSWARM_OUTPUT_DIR</c>; its output becomes the job's log.
/// </summary>
public sealed partial class CommandBuilder(BuilderOptions options, int cores, ILogger<CommandBuilder> logger) : IBuilder
{
    private static readonly string[] PackageSuffixes = [".gpkg.tar", ".tbz2", ".xpak"];

    public async Task<BuildOutcome> BuildAsync(JobLease job, JobDirectory directory, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Command))
        {
            return new BuildOutcome(false, null, "no builder command configured (Drone:Builder:Command)", null);
        }

        var cpv = Cpv.Parse(job.Cpv);
        var start = new ProcessStartInfo("/bin/sh", ["-c", options.Command])
        {
            WorkingDirectory = directory.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (options.CleanEnvironment)
        {
            // Nothing of the drone's own environment leaks into the build.
            var path = start.Environment.TryGetValue("PATH", out var p) ? p : "/usr/local/bin:/usr/bin:/bin";
            start.Environment.Clear();
            start.Environment["PATH"] = path;
            start.Environment["HOME"] = directory.Root;
            start.Environment["LANG"] = "C.UTF-8";
        }

        foreach (var (key, value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["BUILDSWARM_CPV"] = job.Cpv;
        start.Environment["BUILDSWARM_CATEGORY"] = cpv.Category;
        start.Environment["BUILDSWARM_PN"] = cpv.PackageName;
        start.Environment["BUILDSWARM_PF"] = cpv.Pf;
        start.Environment["BUILDSWARM_JOB_ID"] = job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["BUILDSWARM_BUILD_ID"] = job.BuildId;
        start.Environment["BUILDSWARM_TARGET"] = job.Target;
        start.Environment["BUILDSWARM_DEPS"] = string.Join(' ', job.Deps);
        start.Environment["BUILDSWARM_OUTPUT_DIR"] = directory.Output;
        start.Environment["BUILDSWARM_JOBS"] = cores.ToString(System.Globalization.CultureInfo.InvariantCulture);

        LogStarting(job.JobId, job.Cpv);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the builder command");
        process.StandardInput.Close();
        await using var log = new StreamWriter(directory.LogFile, append: false) { AutoFlush = true };
        var gate = new SemaphoreSlim(1, 1);
        async Task PumpAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                await gate.WaitAsync(CancellationToken.None);
                try
                {
                    await log.WriteLineAsync(line);
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(options.TimeoutMinutes));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await pumps;
            gate.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            return new BuildOutcome(false, null, $"build timed out after {options.TimeoutMinutes} minutes", await TailAsync(directory.LogFile));
        }

        await pumps;
        gate.Dispose();
        if (process.ExitCode != 0)
        {
            return new BuildOutcome(false, null, $"builder exited with code {process.ExitCode}", await TailAsync(directory.LogFile));
        }

        var produced = Directory.EnumerateFiles(directory.Output)
            .Where(f => PackageSuffixes.Any(s => f.EndsWith(s, StringComparison.Ordinal)))
            .ToList();
        return produced.Count == 1
            ? new BuildOutcome(true, produced[0], null, null)
            : new BuildOutcome(false, null, $"builder left {produced.Count} package files in its output directory, expected exactly one", await TailAsync(directory.LogFile));
    }

    public static async Task<string> TailAsync(string logFile, int lines = 60)
    {
        if (!File.Exists(logFile))
        {
            return "";
        }

        var all = await File.ReadAllLinesAsync(logFile);
        return string.Join('\n', all.TakeLast(lines));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building job {JobId} ({Cpv})")]
    private partial void LogStarting(long jobId, string cpv);
}

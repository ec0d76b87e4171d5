using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Drone.Configuration;

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
        var environment = new Dictionary<string, string>(options.Environment, StringComparer.Ordinal)
        {
            ["BUILDSWARM_CPV"] = job.Cpv,
            ["BUILDSWARM_CATEGORY"] = cpv.Category,
            ["BUILDSWARM_PN"] = cpv.PackageName,
            ["BUILDSWARM_PF"] = cpv.Pf,
            ["BUILDSWARM_JOB_ID"] = job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BUILDSWARM_BUILD_ID"] = job.BuildId,
            ["BUILDSWARM_TARGET"] = job.Target,
            ["BUILDSWARM_DEPS"] = string.Join(' ', job.Deps),
            ["BUILDSWARM_OUTPUT_DIR"] = directory.Output,
            ["BUILDSWARM_JOBS"] = (job.Cores > 0 ? Math.Min(job.Cores, cores) : cores).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        LogStarting(job.JobId, job.Cpv);
        var exit = await BuildProcess.RunAsync("/bin/sh", ["-c", options.Command], environment, directory.Root, directory.LogFile,
            TimeSpan.FromMinutes(options.TimeoutMinutes), cancellationToken, options.CleanEnvironment);
        if (exit is null)
        {
            return new BuildOutcome(false, null, $"build timed out after {options.TimeoutMinutes} minutes", await TailAsync(directory.LogFile));
        }

        if (exit != 0)
        {
            return new BuildOutcome(false, null, $"builder exited with code {exit}", await TailAsync(directory.LogFile));
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

using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Drone.Builders;

/// <summary>Turns one leased job into a binary package file.</summary>
public interface IBuilder
{
    Task<BuildOutcome> BuildAsync(JobLease job, JobDirectory directory, CancellationToken cancellationToken);
}

/// <summary>The per-job working area: the builder writes the package into <see cref="Output"/>.</summary>
public sealed record JobDirectory(string Root, string Output, string LogFile)
{
    public static JobDirectory Create(string workDir, long jobId)
    {
        var root = Path.Combine(workDir, "jobs", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var output = Path.Combine(root, "out");
        Directory.CreateDirectory(output);
        return new JobDirectory(root, output, Path.Combine(root, "build.log"));
    }
}

public sealed record BuildOutcome(bool Success, string? PackageFile, string? Error, string? LogTail);

using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Deletes package files that neither a live index nor any release lists, and stale upload temporaries.
/// It runs while no publication can (see <see cref="PackageTables.WithReferencedFilesAsync"/>): a publish moves its file
/// into place inside its transaction, so no file can be on disk and about to be indexed.
/// </summary>
public sealed partial class BinhostGarbageCollector(
    PackageTables packages, BinhostPaths paths, TimeProvider time, IOptions<GatewayOptions> options, ILogger<BinhostGarbageCollector> logger)
{
    private static readonly string[] PackageSuffixes = [".gpkg.tar", ".xpak", ".tbz2"];

    public Task<GcReport> CollectAsync(CancellationToken cancellationToken) =>
        packages.WithReferencedFilesAsync(files =>
        {
            var referenced = files.Select(f => Path.GetFullPath(Path.Combine(paths.TargetRoot(f.Target), f.Path))).ToHashSet(StringComparer.Ordinal);
            var deleted = new List<string>();
            long bytes = 0;
            var kept = 0;
            foreach (var root in Directory.Exists(paths.Root) ? Directory.EnumerateDirectories(paths.Root) : [])
            {
                if (Path.GetFileName(root).StartsWith('.'))
                {
                    continue;
                }

                foreach (var file in PackageFiles(root))
                {
                    if (referenced.Contains(file))
                    {
                        kept++;
                        continue;
                    }

                    bytes += new FileInfo(file).Length;
                    File.Delete(file);
                    deleted.Add(Path.GetRelativePath(paths.Root, file));
                    LogDeleted(file);
                }

                RemoveEmptyDirectories(root);
            }

            var temporaries = DeleteStaleTemporaries();
            return new GcReport(deleted.Count, bytes, temporaries, kept, deleted);
        }, cancellationToken);

    private static IEnumerable<string> PackageFiles(string targetRoot) =>
        Directory.EnumerateDirectories(targetRoot)
            .Where(d => Path.GetFileName(d) is not "releases" && !Path.GetFileName(d).StartsWith('.'))
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => PackageSuffixes.Any(s => f.EndsWith(s, StringComparison.Ordinal)))
            .Select(Path.GetFullPath);

    private static void RemoveEmptyDirectories(string targetRoot)
    {
        foreach (var directory in Directory.EnumerateDirectories(targetRoot, "*", SearchOption.AllDirectories)
                     .Where(d => !Path.GetRelativePath(targetRoot, d).StartsWith("releases", StringComparison.Ordinal))
                     .OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    private int DeleteStaleTemporaries()
    {
        if (!Directory.Exists(paths.Incoming))
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddMinutes(-Math.Max(1, options.Value.Binhost.IncomingMaxAgeMinutes));
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(paths.Incoming))
        {
            // An upload in progress keeps writing its file; only one untouched for a long time is abandoned.
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                count++;
            }
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "gc deleted {File}: no index or release lists it")]
    private partial void LogDeleted(string file);
}

using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Deletes package files that neither a live index nor any release lists, and stale upload temporaries.
/// It runs under the database's write lock: a publish moves its file into place inside its transaction, so while
/// gc holds the lock no file can be on disk and about to be indexed.
/// </summary>
public sealed partial class BinhostGarbageCollector(
    SwarmDatabase db, BinhostPaths paths, TimeProvider time, IOptions<GatewayOptions> options, ILogger<BinhostGarbageCollector> logger)
{
    private static readonly string[] PackageSuffixes = [".gpkg.tar", ".xpak", ".tbz2"];

    public Task<GcReport> CollectAsync(CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sql in (string[])["SELECT target, path FROM packages", "SELECT target, path FROM binhost_release_entries"])
            {
                await using var command = SwarmDatabase.Command(connection, tx, sql);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    referenced.Add(Path.GetFullPath(Path.Combine(paths.TargetRoot(reader.GetString(0)), reader.GetString(1))));
                }
            }

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

using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Portage;
using BuildSwarm.Storage;

namespace BuildSwarm.Binhost;

/// <summary>Writes a target's <c>Packages</c> index from the database, replacing it atomically.</summary>
public sealed class BinhostIndex(SwarmDatabase db, BinhostPaths paths, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _lastTimestamp;

    public async Task<long> RewriteAsync(string target, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var entries = await LoadEntriesAsync(target, cancellationToken);
            // Strictly increasing: clients compare TIMESTAMP to decide whether their copy is current.
            var timestamp = Math.Max(time.GetUtcNow().ToUnixTimeSeconds(), _lastTimestamp + 1);
            _lastTimestamp = timestamp;
            var header = new Dictionary<string, string>
            {
                ["TIMESTAMP"] = timestamp.ToString(CultureInfo.InvariantCulture),
            };
            var text = PackagesIndex.Write(header, entries);
            var root = paths.TargetRoot(target);
            Directory.CreateDirectory(root);
            var modified = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime;
            await ReplaceAsync(Path.Combine(root, "Packages"), Encoding.UTF8.GetBytes(text), modified, gzip: false, cancellationToken);
            await ReplaceAsync(Path.Combine(root, "Packages.gz"), Encoding.UTF8.GetBytes(text), modified, gzip: true, cancellationToken);
            FileSync.Directory(root);
            return timestamp;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Rewrites the index of every target that has packages, and of <paramref name="defaultTarget"/>.</summary>
    public async Task RewriteAllAsync(string defaultTarget, CancellationToken cancellationToken)
    {
        var targets = await db.ReadAsync(async connection =>
        {
            var list = new List<string> { defaultTarget };
            await using var command = SwarmDatabase.Command(connection, null, "SELECT DISTINCT target FROM packages");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(reader.GetString(0));
            }

            return list.Distinct(StringComparer.Ordinal).ToList();
        }, cancellationToken);
        foreach (var target in targets)
        {
            await RewriteAsync(target, cancellationToken);
        }
    }

    public void Dispose() => _lock.Dispose();

    private async Task<List<IReadOnlyDictionary<string, string>>> LoadEntriesAsync(string target, CancellationToken cancellationToken) =>
        await db.ReadAsync(async connection =>
        {
            var entries = new List<IReadOnlyDictionary<string, string>>();
            await using var command = SwarmDatabase.Command(connection, null,
                "SELECT cpv, build_id, path, size, md5, sha1, mtime, metadata FROM packages WHERE target = $t", ("$t", target));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var metadata = JsonSerializer.Deserialize(reader.GetString(7), BinhostJsonContext.Default.DictionaryStringString) ?? [];
                var file = new PackageFileFacts(reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6));
                entries.Add(PackagesIndexEntry.Create(metadata, file, reader.GetInt32(1)));
            }

            return entries;
        }, cancellationToken);

    private static async Task ReplaceAsync(string path, byte[] content, DateTime modified, bool gzip, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 65536, FileOptions.Asynchronous))
        {
            if (gzip)
            {
                await using var compressor = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
                await compressor.WriteAsync(content, cancellationToken);
            }
            else
            {
                await file.WriteAsync(content, cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(temp, modified);
        File.Move(temp, path, overwrite: true);
    }
}

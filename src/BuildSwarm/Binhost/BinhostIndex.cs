using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Portage;
using BuildSwarm.Storage;

namespace BuildSwarm.Binhost;

/// <summary>
/// Each target's <c>Packages</c> index, kept in memory as one serialized block per package instance. A publish changes
/// a few blocks (<see cref="Apply"/>, inside the publishing transaction, so the memory follows commit order) and the
/// files are rewritten by concatenating the cached blocks: no package file is read or hashed again, and concurrent
/// publishes share one rewrite when they arrive while another is being written.
/// </summary>
public sealed class BinhostIndex(SwarmDatabase db, BinhostPaths paths, BinhostTargets targets, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, TargetState> _states = new(StringComparer.Ordinal);

    /// <summary>Loads every target's blocks from the database and writes every index (heals a crash before a rewrite).</summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var names = await db.ReadAsync(async connection =>
        {
            var list = new List<string>(targets.Names);
            await using var command = SwarmDatabase.Command(connection, null, "SELECT DISTINCT target FROM packages");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(reader.GetString(0));
            }

            return list.Distinct(StringComparer.Ordinal).ToList();
        }, cancellationToken);
        foreach (var target in names)
        {
            await ReloadAsync(target, cancellationToken);
        }
    }

    /// <summary>Compatibility name used by the gateway's start-up.</summary>
    public Task RewriteAllAsync(string defaultTarget, CancellationToken cancellationToken) => LoadAllAsync(cancellationToken);

    /// <summary>Rebuilds a target's blocks from the database and writes its index.</summary>
    public async Task ReloadAsync(string target, CancellationToken cancellationToken)
    {
        var blocks = await db.ReadAsync(connection => LoadBlocksAsync(connection, null, target, cancellationToken), cancellationToken);
        long version;
        lock (_gate)
        {
            var state = State(target);
            state.Blocks = blocks;
            version = ++state.Version;
        }

        await WriteAsync(target, version, cancellationToken);
    }

    /// <summary>
    /// Records added and removed instances of <paramref name="target"/>; returns the version to pass to
    /// <see cref="WriteAsync"/>. Call it inside the transaction that changes the <c>packages</c> rows.
    /// </summary>
    public long Apply(string target, IEnumerable<IndexedPackage> added, IEnumerable<InstanceKey> removed)
    {
        lock (_gate)
        {
            var state = State(target);
            foreach (var key in removed)
            {
                state.Blocks.Remove(key);
            }

            foreach (var package in added)
            {
                state.Blocks[package.Key] = package.Block;
            }

            return ++state.Version;
        }
    }

    /// <summary>Marks the memory of a target as untrustworthy (a transaction that called <see cref="Apply"/> failed).</summary>
    public void Invalidate(string target)
    {
        lock (_gate)
        {
            State(target).Stale = true;
        }
    }

    /// <summary>Makes sure the files show at least <paramref name="version"/>; a rewrite in progress may already cover it.</summary>
    public async Task WriteAsync(string target, long version, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            bool stale;
            lock (_gate)
            {
                var state = State(target);
                if (state.Written >= version && !state.Stale)
                {
                    return;
                }

                stale = state.Stale;
            }

            if (stale)
            {
                var fresh = await db.ReadAsync(connection => LoadBlocksAsync(connection, null, target, cancellationToken), cancellationToken);
                lock (_gate)
                {
                    var state = State(target);
                    state.Blocks = fresh;
                    state.Stale = false;
                    state.Version++;
                }
            }

            string[] blocks;
            long snapshot;
            long timestamp;
            lock (_gate)
            {
                var state = State(target);
                blocks = [.. state.Blocks.Values];
                snapshot = state.Version;
                timestamp = NextTimestamp(state);
            }

            await WriteFilesAsync(paths.TargetRoot(target), targets.Header(target), blocks, timestamp, cancellationToken);
            lock (_gate)
            {
                State(target).Written = snapshot;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The current blocks of a target and a fresh TIMESTAMP, for freezing a release.</summary>
    public (string[] Blocks, long Timestamp) Snapshot(string target)
    {
        lock (_gate)
        {
            var state = State(target);
            return ([.. state.Blocks.Values], NextTimestamp(state));
        }
    }

    /// <summary>The index block of one package instance under a target's header.</summary>
    public string Block(string target, IReadOnlyDictionary<string, string> metadata, PackageFileFacts file, int buildId) =>
        PackagesIndex.WritePackage(targets.Header(target), PackagesIndexEntry.Create(metadata, file, buildId));

    /// <summary>Writes <c>Packages</c> and <c>Packages.gz</c> into <paramref name="directory"/>, each replaced atomically, mtime = TIMESTAMP.</summary>
    public static async Task WriteFilesAsync(
        string directory, IReadOnlyDictionary<string, string> header, IReadOnlyList<string> blocks, long timestamp, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var head = PackagesIndex.WriteHeader(header, blocks.Count, DateTimeOffset.FromUnixTimeSeconds(timestamp));
        var modified = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime;
        await ReplaceAsync(Path.Combine(directory, "Packages"), head, blocks, modified, gzip: false, cancellationToken);
        await ReplaceAsync(Path.Combine(directory, "Packages.gz"), head, blocks, modified, gzip: true, cancellationToken);
        FileSync.Directory(directory);
    }

    public void Dispose() => _writeLock.Dispose();

    private TargetState State(string target)
    {
        if (!_states.TryGetValue(target, out var state))
        {
            state = new TargetState { LastTimestamp = ReadTimestamp(Path.Combine(paths.TargetRoot(target), "Packages")) };
            _states[target] = state;
        }

        return state;
    }

    // Strictly increasing: clients compare TIMESTAMP (and Last-Modified) to decide whether their copy is current.
    private long NextTimestamp(TargetState state)
    {
        var timestamp = Math.Max(time.GetUtcNow().ToUnixTimeSeconds(), state.LastTimestamp + 1);
        state.LastTimestamp = timestamp;
        return timestamp;
    }

    internal async Task<SortedDictionary<InstanceKey, string>> LoadBlocksAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction? tx, string target, CancellationToken cancellationToken)
    {
        var header = targets.Header(target);
        var blocks = new SortedDictionary<InstanceKey, string>(InstanceKey.Order);
        await using var command = SwarmDatabase.Command(connection, tx,
            "SELECT cpv, build_id, path, size, md5, sha1, mtime, metadata FROM packages WHERE target = $t", ("$t", target));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var metadata = JsonSerializer.Deserialize(reader.GetString(7), BinhostJsonContext.Default.DictionaryStringString) ?? [];
            var file = new PackageFileFacts(reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6));
            var key = new InstanceKey(reader.GetString(0), reader.GetInt32(1));
            blocks[key] = PackagesIndex.WritePackage(header, PackagesIndexEntry.Create(metadata, file, key.BuildId));
        }

        return blocks;
    }

    private static long ReadTimestamp(string packagesFile)
    {
        try
        {
            using var reader = new StreamReader(packagesFile);
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                if (line.StartsWith("TIMESTAMP: ", StringComparison.Ordinal) &&
                    long.TryParse(line.AsSpan("TIMESTAMP: ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static async Task ReplaceAsync(
        string path, string head, IReadOnlyList<string> blocks, DateTime modified, bool gzip, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            // Fastest: the index is rewritten on every publish, and the level barely changes its size.
            Stream sink = gzip ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true) : file;
            await using (var writer = new StreamWriter(sink, new UTF8Encoding(false), 1 << 16, leaveOpen: !gzip))
            {
                await writer.WriteAsync(head.AsMemory(), cancellationToken);
                foreach (var block in blocks)
                {
                    await writer.WriteAsync(block.AsMemory(), cancellationToken);
                }
            }

            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(temp, modified);
        File.Move(temp, path, overwrite: true);
    }

    private sealed class TargetState
    {
        public SortedDictionary<InstanceKey, string> Blocks { get; set; } = new(InstanceKey.Order);

        public long Version { get; set; }

        public long Written { get; set; } = -1;

        public bool Stale { get; set; }

        public long LastTimestamp { get; set; }
    }
}

/// <summary>One package instance in a target: CPV and BUILD_ID, ordered as the index lists them.</summary>
public readonly record struct InstanceKey(string Cpv, int BuildId)
{
    public static readonly IComparer<InstanceKey> Order = Comparer<InstanceKey>.Create((a, b) =>
    {
        var byCpv = string.CompareOrdinal(a.Cpv, b.Cpv);
        return byCpv != 0 ? byCpv : a.BuildId.CompareTo(b.BuildId);
    });
}

/// <summary>An instance and its serialized index block.</summary>
public sealed record IndexedPackage(InstanceKey Key, string Block);

using System.Globalization;
using System.Text;
using System.Text.Json;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Each target's <c>Packages</c> index, kept in memory as one serialized block per package instance, grouped in runs
/// that cache their text and gzip piece (<see cref="IndexRuns"/>). A publish changes a few blocks (<see cref="Apply"/>,
/// inside the publishing transaction, so the memory follows commit order), then <see cref="UpdateAsync"/> builds the
/// next <see cref="IndexImage"/> from the cached runs (only the changed run is re-encoded and recompressed) and serves
/// it at once; the files on disk follow through the <see cref="IndexMirror"/>. No package file is read or hashed again,
/// and concurrent publishes share one update when they arrive while another is being built.
/// </summary>
public sealed class BinhostIndex(
    PackageTables packages, BinhostPaths paths, BinhostTargets targets, IOptions<GatewayOptions> options, TimeProvider time, ILogger<BinhostIndex> logger)
    : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _updateLock = new(1, 1);
    private readonly Dictionary<string, TargetState> _states = new(StringComparer.Ordinal);
    private readonly IndexMirror _mirror = new(TimeSpan.FromMilliseconds(Math.Max(0, options.Value.Binhost.IndexFileIntervalMilliseconds)), time, logger);

    /// <summary>Loads every target's blocks from the database and writes every index (heals a crash before a rewrite).</summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var names = targets.Names.Concat(await packages.TargetsAsync(cancellationToken)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var target in names)
        {
            await ReloadAsync(target, cancellationToken);
        }

        await FlushAsync(cancellationToken);
    }

    /// <summary>Rebuilds a target's blocks from the database and serves the result.</summary>
    public async Task ReloadAsync(string target, CancellationToken cancellationToken)
    {
        var blocks = Blocks(targets.Header(target), await packages.RowsAsync(target, cancellationToken));
        long version;
        lock (_gate)
        {
            var state = State(target);
            state.Runs = IndexRuns.From(blocks);
            version = ++state.Version;
        }

        await UpdateAsync(target, version, cancellationToken);
    }

    /// <summary>
    /// Records added and removed instances of <paramref name="target"/>; returns the version to pass to
    /// <see cref="UpdateAsync"/>. Call it inside the transaction that changes the <c>packages</c> rows.
    /// </summary>
    public long Apply(string target, IEnumerable<IndexedPackage> added, IEnumerable<InstanceKey> removed)
    {
        lock (_gate)
        {
            var state = State(target);
            foreach (var key in removed)
            {
                state.Runs.Remove(key);
            }

            foreach (var package in added)
            {
                state.Runs.Set(package.Key, package.Block);
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

    /// <summary>
    /// Makes sure the served index shows at least <paramref name="version"/> (an update in progress may already cover
    /// it) and queues it for the files on disk.
    /// </summary>
    public async Task UpdateAsync(string target, long version, CancellationToken cancellationToken)
    {
        await _updateLock.WaitAsync(cancellationToken);
        try
        {
            bool stale;
            lock (_gate)
            {
                var state = State(target);
                if (state.Served >= version && !state.Stale)
                {
                    return;
                }

                stale = state.Stale;
            }

            if (stale)
            {
                var fresh = Blocks(targets.Header(target), await packages.RowsAsync(target, cancellationToken));
                lock (_gate)
                {
                    var state = State(target);
                    state.Runs = IndexRuns.From(fresh);
                    state.Stale = false;
                    state.Version++;
                }
            }

            IndexImage image;
            lock (_gate)
            {
                var state = State(target);
                image = IndexImage.Create(targets.Header(target), state.Runs.Count, state.Runs.Pieces(), NextTimestamp(state));
                state.Image = image;
                state.Served = state.Version;
            }

            _mirror.Offer(paths.TargetRoot(target), image);
        }
        finally
        {
            _updateLock.Release();
        }
    }

    /// <summary>The index a target serves now, or null for a target that has none yet.</summary>
    public IndexImage? Current(string target)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(target)?.Image;
        }
    }

    /// <summary>Completes when the index files on disk show everything served before the call.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _mirror.FlushAsync(cancellationToken);

    /// <summary>A fresh TIMESTAMP of <paramref name="target"/>, for freezing a release.</summary>
    public long NextTimestamp(string target)
    {
        lock (_gate)
        {
            return NextTimestamp(State(target));
        }
    }

    /// <summary>The index block of one package instance under a target's header, as UTF-8.</summary>
    public byte[] Block(string target, IReadOnlyDictionary<string, string> metadata, PackageFileFacts file, int buildId) =>
        Block(targets.Header(target), metadata, file, buildId);

    private static byte[] Block(IReadOnlyDictionary<string, string> header, IReadOnlyDictionary<string, string> metadata, PackageFileFacts file, int buildId) =>
        Encoding.UTF8.GetBytes(PackagesIndex.WritePackage(header, PackagesIndexEntry.Create(metadata, file, buildId)));

    /// <summary>Writes an index of <paramref name="blocks"/> into <paramref name="directory"/> durably (a release's own files).</summary>
    public static Task WriteFilesAsync(
        string directory, IReadOnlyDictionary<string, string> header, SortedDictionary<InstanceKey, byte[]> blocks, long timestamp, CancellationToken cancellationToken)
    {
        var runs = IndexRuns.From(blocks);
        return IndexImage.Create(header, runs.Count, runs.Pieces(), timestamp).WriteFilesAsync(directory, durable: true, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.DisposeAsync();
        _updateLock.Dispose();
    }

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

    /// <summary>The index blocks of a target's rows under its header, in index order.</summary>
    public static SortedDictionary<InstanceKey, byte[]> Blocks(IReadOnlyDictionary<string, string> header, IReadOnlyList<PackageRow> rows)
    {
        var blocks = new SortedDictionary<InstanceKey, byte[]>(InstanceKey.Order);
        foreach (var row in rows)
        {
            var metadata = JsonSerializer.Deserialize(row.MetadataJson, BinhostJsonContext.Default.DictionaryStringString) ?? [];
            var key = new InstanceKey(row.Cpv, row.BuildId);
            blocks[key] = Block(header, metadata, new PackageFileFacts(row.Path, row.Size, row.Md5, row.Sha1, row.Mtime), key.BuildId);
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

    private sealed class TargetState
    {
        public IndexRuns Runs { get; set; } = new();

        public long Version { get; set; }

        public long Served { get; set; } = -1;

        public bool Stale { get; set; }

        public long LastTimestamp { get; set; }

        public IndexImage? Image { get; set; }
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

/// <summary>An instance and its serialized index block (UTF-8).</summary>
public sealed record IndexedPackage(InstanceKey Key, byte[] Block);

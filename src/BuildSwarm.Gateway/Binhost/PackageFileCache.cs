using System.Collections.Concurrent;
using BuildSwarm.Gateway.Configuration;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Package files served from memory. A published package file never changes (its name carries its BUILD_ID), so a
/// copy in memory stays right as long as the file's size and mtime are the same; every request still looks at the
/// file, so a deleted or replaced file is never served from here. Bounded by <c>Gateway:Binhost:MemoryCacheMegabytes</c>,
/// least recently used out first; files above <c>MemoryCacheMaxFileMegabytes</c> are always streamed from disk.
/// </summary>
public sealed class PackageFileCache(IOptions<GatewayOptions> options)
{
    private const long MiB = 1024 * 1024;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _changes = new();
    private long _bytes;
    private long _clock;

    /// <summary>Bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_changes)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The content of <paramref name="file"/> (already stat'ed by the caller), or null to stream it from disk.</summary>
    public async ValueTask<byte[]?> GetAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var settings = options.Value.Binhost;
        var budget = settings.MemoryCacheMegabytes * MiB;
        if (budget <= 0 || file.Length > Math.Min(budget, settings.MemoryCacheMaxFileMegabytes * MiB))
        {
            return null;
        }

        var path = file.FullName;
        var modified = file.LastWriteTimeUtc;
        if (_entries.TryGetValue(path, out var hit) && hit.Bytes.LongLength == file.Length && hit.Modified == modified)
        {
            hit.LastUse = Interlocked.Increment(ref _clock);
            return hit.Bytes;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // gone since the stat: the caller answers from disk, which says 404 or serves the new file
        }

        if (bytes.LongLength != file.Length)
        {
            return null;
        }

        var entry = new Entry(bytes, modified) { LastUse = Interlocked.Increment(ref _clock) };
        lock (_changes)
        {
            if (_entries.TryGetValue(path, out var old))
            {
                _bytes -= old.Bytes.LongLength;
            }

            _entries[path] = entry;
            _bytes += bytes.LongLength;
            if (_bytes > budget)
            {
                Evict(budget / 10 * 9);
            }
        }

        return bytes;
    }

    /// <summary>Drops the least recently used entries until the cache holds at most <paramref name="target"/> bytes.</summary>
    private void Evict(long target)
    {
        foreach (var (path, entry) in _entries.OrderBy(e => e.Value.LastUse).ToList())
        {
            if (_bytes <= target)
            {
                return;
            }

            _entries.TryRemove(path, out _);
            _bytes -= entry.Bytes.LongLength;
        }
    }

    private sealed class Entry(byte[] bytes, DateTime modified)
    {
        public byte[] Bytes { get; } = bytes;

        public DateTime Modified { get; } = modified;

        public long LastUse { get; set; }
    }
}

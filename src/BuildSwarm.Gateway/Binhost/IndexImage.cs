using System.Globalization;
using System.Text;
using BuildSwarm.Core.Portage;

using BuildSwarm.Hosting.Files;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// One published state of an index, immutable: the bytes of <c>Packages</c> and of <c>Packages.gz</c> as lists of
/// shared parts (header, then the runs' texts or gzip pieces). The gateway serves it from memory and writes it to disk;
/// building the next one reuses every unchanged part.
/// </summary>
public sealed class IndexImage
{
    /// <summary>Up to this size a file is also kept in one block, which the server sends with less work per request.</summary>
    private const long ContiguousLimit = 1 << 20;

    private byte[]? _plainBlock;
    private byte[]? _gzipBlock;

    private IndexImage(long timestamp, int packages, ReadOnlyMemory<byte>[] plain, ReadOnlyMemory<byte>[] gzip)
    {
        Timestamp = timestamp;
        Packages = packages;
        Plain = plain;
        Gzip = gzip;
        PlainLength = plain.Sum(p => (long)p.Length);
        GzipLength = gzip.Sum(p => (long)p.Length);
    }

    /// <summary>The index's TIMESTAMP (unix seconds): its <c>Last-Modified</c> and the files' mtime.</summary>
    public long Timestamp { get; }

    public int Packages { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Plain { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Gzip { get; }

    public long PlainLength { get; }

    public long GzipLength { get; }

    public DateTimeOffset LastModified => DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    internal static IndexImage Create(IReadOnlyDictionary<string, string> header, int packages, IndexPiece[] pieces, long timestamp)
    {
        var head = IndexPiece.Of(Encoding.UTF8.GetBytes(PackagesIndex.WriteHeader(header, packages, DateTimeOffset.FromUnixTimeSeconds(timestamp))));
        var plain = new ReadOnlyMemory<byte>[pieces.Length + 1];
        var gzip = new ReadOnlyMemory<byte>[pieces.Length + 3];
        plain[0] = head.Text;
        gzip[0] = GzipPieces.Header(timestamp);
        gzip[1] = head.Gzip.Deflated;
        var crc = head.Gzip.Crc;
        var length = head.Gzip.Length;
        for (var i = 0; i < pieces.Length; i++)
        {
            plain[i + 1] = pieces[i].Text;
            gzip[i + 2] = pieces[i].Gzip.Deflated;
            crc = GzipPieces.Combine(crc, pieces[i].Gzip.Crc, pieces[i].Gzip.Length);
            length += pieces[i].Gzip.Length;
        }

        gzip[^1] = GzipPieces.Trailer(crc, length);
        return new IndexImage(timestamp, packages, plain, gzip);
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> Parts(bool gzip) => gzip ? Gzip : Plain;

    /// <summary>A strong validator: TIMESTAMP strictly grows with every change, the length tells the two files apart.</summary>
    public string ETag(bool gzip) =>
        $"\"{(gzip ? GzipLength : PlainLength).ToString("x", CultureInfo.InvariantCulture)}-{Timestamp.ToString("x", CultureInfo.InvariantCulture)}\"";

    /// <summary>The file as one block when it is small enough to keep twice (made on first use), else null: stream it.</summary>
    public ReadOnlyMemory<byte>? Contiguous(bool gzip)
    {
        if ((gzip ? GzipLength : PlainLength) > ContiguousLimit)
        {
            return null;
        }

        ref var cached = ref gzip ? ref _gzipBlock : ref _plainBlock;
        return cached ??= PartsStream.Join(Parts(gzip));
    }

    public Stream Open(bool gzip) => new PartsStream(Parts(gzip));

    /// <summary>
    /// Writes <c>Packages</c> and <c>Packages.gz</c> into <paramref name="directory"/>, each through a temporary file and a
    /// rename (readers never see a partial file), mtime = TIMESTAMP. <paramref name="durable"/> fsyncs both and the
    /// directory: wanted where the files are the only record (releases), not for the live index, which the database
    /// rebuilds at every start.
    /// </summary>
    public async Task WriteFilesAsync(string directory, bool durable, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await ReplaceAsync(Path.Combine(directory, "Packages"), Plain, durable, cancellationToken);
        await ReplaceAsync(Path.Combine(directory, "Packages.gz"), Gzip, durable, cancellationToken);
        if (durable)
        {
            FileSync.Directory(directory);
        }
    }

    private async Task ReplaceAsync(string path, IReadOnlyList<ReadOnlyMemory<byte>> parts, bool durable, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            foreach (var part in parts)
            {
                await file.WriteAsync(part, cancellationToken);
            }

            if (durable)
            {
                file.Flush(flushToDisk: true);
            }
        }

        File.SetLastWriteTimeUtc(temp, LastModified.UtcDateTime);
        File.Move(temp, path, overwrite: true);
    }
}

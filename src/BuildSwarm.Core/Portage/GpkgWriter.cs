using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// Writes gpkgs the way Portage's <c>gpkg.compress</c> does: <c>gpkg-1</c>, <c>metadata.tar.&lt;ext&gt;</c>,
/// <c>image.tar.&lt;ext&gt;</c>, then a Manifest with BLAKE2B and SHA512 for each of them (gpkg-1 included).
/// Inner archives are compressed to spools (<see cref="GpkgWriteOptions.Spool"/>): with file spools an image of any size passes
/// through in bounded memory.
/// </summary>
public static class GpkgWriter
{
    private const long UstarMaxSize = 8_000_000_000;

    public static Task WriteAsync(
        Stream output,
        IReadOnlyDictionary<string, string> metadata,
        IEnumerable<GpkgImageFile> image,
        GpkgWriteOptions? options,
        CancellationToken cancellationToken)
    {
        var files = image.ToList();
        return WriteAsync(output, metadata, (tar, ct) => GpkgImageArchive.AddFilesAsync(tar, files, ct), options, cancellationToken);
    }

    /// <summary>Writes a gpkg whose image entries <paramref name="writeImage"/> adds (under <c>image/</c>).</summary>
    public static async Task WriteAsync(
        Stream output,
        IReadOnlyDictionary<string, string> metadata,
        Func<TarWriter, CancellationToken, Task> writeImage,
        GpkgWriteOptions? options,
        CancellationToken cancellationToken)
    {
        options ??= new GpkgWriteOptions();
        var top = options.TopDirectory ?? RequirePf(metadata);
        var compression = options.Compression;
        if (!compression.CanWrite())
        {
            throw new NotSupportedException($"cannot write {compression}-compressed gpkgs; use zstd, gzip, bzip2, lz4 or lzip");
        }

        var timestamp = options.Timestamp;
        var manifest = new List<GpkgManifestEntry> { GpkgManifestEntry.From(GpkgMember.VersionName, GpkgDigester.Of([])) };

        await using var metadataArchive = await CompressToSpoolAsync(
            options.Spool, compression, (tar, ct) => GpkgMetadataArchive.WriteAsync(tar, metadata, timestamp, ct), cancellationToken);
        await using var imageArchive = await CompressToSpoolAsync(
            options.Spool, compression, async (tar, ct) =>
            {
                await using var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true);
                await writeImage(writer, ct);
            },
            cancellationToken);

        var metadataName = GpkgMember.MetadataName(compression);
        var imageName = GpkgMember.ImageName(compression);
        manifest.Add(GpkgManifestEntry.From(metadataName, metadataArchive.Digest));
        manifest.Add(GpkgManifestEntry.From(imageName, imageArchive.Digest));

        var manifestText = new GpkgManifest(manifest, IsClearSigned: false).Format();
        if (options.SignManifest is { } sign)
        {
            manifestText = await sign(manifestText, cancellationToken);
        }

        var format = top.Length >= 100 - GpkgMember.ManifestName.Length || imageArchive.Digest.Size >= UstarMaxSize
            ? TarEntryFormat.Gnu
            : TarEntryFormat.Ustar;
        await using var container = new TarWriter(output, format, leaveOpen: true);
        await AddMemberAsync(container, format, $"{top}/{GpkgMember.VersionName}", Stream.Null, timestamp, cancellationToken);
        await AddMemberAsync(container, format, $"{top}/{metadataName}", metadataArchive.Open(), timestamp, cancellationToken);
        await AddMemberAsync(container, format, $"{top}/{imageName}", imageArchive.Open(), timestamp, cancellationToken);
        await AddMemberAsync(
            container, format, $"{top}/{GpkgMember.ManifestName}", new MemoryStream(Encoding.UTF8.GetBytes(manifestText)), timestamp, cancellationToken);
    }

    private static string RequirePf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.GetValueOrDefault("PF") is { Length: > 0 } pf
            ? pf
            : throw new ArgumentException("metadata needs PF (or set GpkgWriteOptions.TopDirectory)", nameof(metadata));

    /// <summary>Adds one regular-file member with the mode and mtime every gpkg member gets; disposes <paramref name="data"/>.</summary>
    internal static async Task AddMemberAsync(TarWriter container, TarEntryFormat format, string name, Stream data, DateTimeOffset mtime, CancellationToken cancellationToken)
    {
        TarEntry entry = format == TarEntryFormat.Gnu
            ? new GnuTarEntry(TarEntryType.RegularFile, name)
            : new UstarTarEntry(TarEntryType.RegularFile, name);
        entry.ModificationTime = mtime;
        entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        entry.DataStream = data;
        await container.WriteEntryAsync(entry, cancellationToken);
        await data.DisposeAsync();
    }

    private static async Task<SpooledArchive> CompressToSpoolAsync(
        SpoolFactory spools, GpkgCompression compression, Func<Stream, CancellationToken, Task> writeTar, CancellationToken cancellationToken)
    {
        var spool = new SpooledArchive(spools());
        try
        {
            using var digester = new GpkgDigester();
            await using (var compressor = compression.OpenWrite(new DigestingStream(spool.File, digester)))
            {
                await writeTar(compressor, cancellationToken);
            }

            spool.Digest = digester.Finish();
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private sealed class SpooledArchive(Stream file) : IAsyncDisposable
    {
        public Stream File { get; } = file;

        public GpkgDigest Digest { get; set; } = GpkgDigester.Of([]);

        public Stream Open()
        {
            File.Position = 0;
            return File;
        }

        public ValueTask DisposeAsync() => File.DisposeAsync();
    }
}

using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;
using ZstdSharp;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace BuildSwarm.Core.Portage;

/// <summary>How the inner <c>metadata.tar</c> and <c>image.tar</c> of a gpkg are compressed.</summary>
public enum GpkgCompression
{
    None,
    Gzip,
    Bzip2,
    Lz4,
    Lzip,
    Lzop,
    Xz,
    Zstd,
}

/// <summary>File name suffixes and codecs for <see cref="GpkgCompression"/>, as Portage's <c>gpkg.ext_list</c> names them.</summary>
public static class GpkgCompressions
{
    private static readonly (GpkgCompression Compression, string Suffix)[] Suffixes =
    [
        (GpkgCompression.Gzip, ".gz"),
        (GpkgCompression.Bzip2, ".bz2"),
        (GpkgCompression.Lz4, ".lz4"),
        (GpkgCompression.Lzip, ".lz"),
        (GpkgCompression.Lzop, ".lzo"),
        (GpkgCompression.Xz, ".xz"),
        (GpkgCompression.Zstd, ".zst"),
    ];

    /// <summary>The suffix after <c>.tar</c>, e.g. <c>.zst</c>; empty for an uncompressed tar.</summary>
    public static string Suffix(this GpkgCompression compression) =>
        compression == GpkgCompression.None ? "" : Suffixes.Single(s => s.Compression == compression).Suffix;

    /// <summary>Splits <c>image.tar.zst</c> into <c>image</c> and <see cref="GpkgCompression.Zstd"/>.</summary>
    public static bool TrySplitArchiveName(string fileName, out string stem, out GpkgCompression compression)
    {
        const string tar = ".tar";
        if (fileName.EndsWith(tar, StringComparison.Ordinal))
        {
            stem = fileName[..^tar.Length];
            compression = GpkgCompression.None;
            return true;
        }

        foreach (var (candidate, suffix) in Suffixes)
        {
            if (fileName.EndsWith(tar + suffix, StringComparison.Ordinal))
            {
                stem = fileName[..^(tar.Length + suffix.Length)];
                compression = candidate;
                return true;
            }
        }

        stem = "";
        compression = GpkgCompression.None;
        return false;
    }

    /// <summary>Whether this process can decompress the codec (lzop has no managed implementation here).</summary>
    public static bool CanRead(this GpkgCompression compression) => compression != GpkgCompression.Lzop;

    /// <summary>Whether this process can compress with the codec (xz and lzop are read-only in the libraries we use).</summary>
    public static bool CanWrite(this GpkgCompression compression) =>
        compression is not (GpkgCompression.Lzop or GpkgCompression.Xz);

    /// <summary>Wraps <paramref name="compressed"/> in a decompressing stream; the inner stream stays open.</summary>
    public static Stream OpenRead(this GpkgCompression compression, Stream compressed) => compression switch
    {
        GpkgCompression.None => new NonClosingStream(compressed),
        GpkgCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        GpkgCompression.Bzip2 => BZip2Stream.Create(compressed, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true),
        GpkgCompression.Lz4 => LZ4Stream.Decode(compressed, leaveOpen: true),
        GpkgCompression.Lzip => LZipStream.Create(compressed, SharpCompressionMode.Decompress, leaveOpen: true),
        GpkgCompression.Xz => new XZStream(new NonClosingStream(compressed)),
        GpkgCompression.Zstd => new DecompressionStream(compressed, leaveOpen: true),
        _ => throw new NotSupportedException($"{compression} decompression is not available"),
    };

    /// <summary>Wraps <paramref name="output"/> in a compressing stream; disposing it finishes the frame, the inner stream stays open.</summary>
    public static Stream OpenWrite(this GpkgCompression compression, Stream output) => compression switch
    {
        GpkgCompression.None => new NonClosingStream(output),
        GpkgCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        GpkgCompression.Bzip2 => BZip2Stream.Create(output, SharpCompressionMode.Compress, decompressConcatenated: false, leaveOpen: true),
        GpkgCompression.Lz4 => LZ4Stream.Encode(output, leaveOpen: true),
        GpkgCompression.Lzip => LZipStream.Create(output, SharpCompressionMode.Compress, leaveOpen: true),
        GpkgCompression.Zstd => new CompressionStream(output, leaveOpen: true),
        _ => throw new NotSupportedException($"{compression} compression is not available; use zstd (Portage's default), gzip, bzip2, lz4 or lzip"),
    };
}

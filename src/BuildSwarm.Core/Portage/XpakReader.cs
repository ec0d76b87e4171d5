using System.Buffers.Binary;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// Reads the metadata of a legacy xpak package (<c>.tbz2</c> / <c>.xpak</c>): the segment
/// <c>XPAKPACK index_len data_len index data XPAKSTOP</c> that <c>portage.xpak</c> appends to the image tarball.
/// Only the segment is read; the image before it is never touched.
/// </summary>
public static class XpakReader
{
    private const int MaxSegmentBytes = 64 << 20;
    private const int HeaderLength = 16;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Text metadata (trimmed, as with gpkg); binary values such as <c>environment.bz2</c> are left out.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(Stream package, CancellationToken cancellationToken)
    {
        var raw = await ReadRawAsync(package, cancellationToken);
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in raw)
        {
            try
            {
                text[key] = StrictUtf8.GetString(value).Trim();
            }
            catch (DecoderFallbackException)
            {
                // Binary metadata has no place in the index.
            }
        }

        return text;
    }

    /// <summary>Every key with its bytes, in segment order.</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> ReadRawAsync(Stream package, CancellationToken cancellationToken)
    {
        if (!package.CanSeek)
        {
            throw new ArgumentException("xpak metadata sits at the end of the file; the stream must be seekable", nameof(package));
        }

        if (package.Length < XpakTrailer.Length)
        {
            throw new InvalidPackageException("not an xpak package: shorter than its 16-byte trailer");
        }

        var tail = new byte[XpakTrailer.Length];
        package.Seek(-XpakTrailer.Length, SeekOrigin.End);
        await package.ReadExactlyAsync(tail, cancellationToken);
        if (!XpakTrailer.IsTrailer(tail))
        {
            throw new InvalidPackageException("not an xpak package: it does not end in XPAKSTOP <offset> STOP");
        }

        var segmentLength = XpakTrailer.SegmentLength(tail);
        if (segmentLength > MaxSegmentBytes || segmentLength + 8L > package.Length || segmentLength < HeaderLength + 8)
        {
            throw new InvalidPackageException($"xpak trailer gives a segment length of {segmentLength} bytes, which does not fit the {package.Length}-byte file");
        }

        var segment = new byte[segmentLength];
        package.Seek(-(segmentLength + 8L), SeekOrigin.End);
        await package.ReadExactlyAsync(segment, cancellationToken);
        return ParseSegment(segment);
    }

    /// <summary>Parses one segment, <c>XPAKPACK</c> through <c>XPAKSTOP</c> (what <c>xpak.xpak_mem</c> returns).</summary>
    public static IReadOnlyDictionary<string, byte[]> ParseSegment(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < HeaderLength + 8 || !segment[..8].SequenceEqual(XpakTrailer.SegmentStart) || !segment[^8..].SequenceEqual(XpakTrailer.SegmentEnd))
        {
            throw new InvalidPackageException("xpak segment does not run from XPAKPACK to XPAKSTOP");
        }

        var indexLength = BinaryPrimitives.ReadUInt32BigEndian(segment[8..12]);
        var dataLength = BinaryPrimitives.ReadUInt32BigEndian(segment[12..16]);
        if ((long)HeaderLength + indexLength + dataLength + 8 != segment.Length)
        {
            throw new InvalidPackageException($"xpak header says index {indexLength} + data {dataLength} bytes, but the segment holds {segment.Length - HeaderLength - 8}");
        }

        var index = segment.Slice(HeaderLength, (int)indexLength);
        var data = segment.Slice(HeaderLength + (int)indexLength, (int)dataLength);
        return ParseIndex(index, data);
    }

    private static Dictionary<string, byte[]> ParseIndex(ReadOnlySpan<byte> index, ReadOnlySpan<byte> data)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (index.Length > 0)
        {
            if (index.Length < 4)
            {
                throw new InvalidPackageException("xpak index ends inside an entry");
            }

            var nameLength = BinaryPrimitives.ReadUInt32BigEndian(index);
            if (nameLength == 0 || 4L + nameLength + 8 > index.Length)
            {
                throw new InvalidPackageException("xpak index entry runs past the end of the index");
            }

            var name = Encoding.UTF8.GetString(index.Slice(4, (int)nameLength));
            var rest = index[(4 + (int)nameLength)..];
            var offset = BinaryPrimitives.ReadUInt32BigEndian(rest);
            var length = BinaryPrimitives.ReadUInt32BigEndian(rest[4..]);
            if ((long)offset + length > data.Length)
            {
                throw new InvalidPackageException($"xpak entry '{name}' points outside the data block");
            }

            values[name] = data.Slice((int)offset, (int)length).ToArray();
            index = rest[8..];
        }

        return values;
    }
}

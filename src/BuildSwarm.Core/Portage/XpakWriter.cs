using System.Buffers.Binary;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>Writes xpak segments and packages the way <c>portage.xpak.xpak_mem</c> and <c>tbz2.recompose_mem</c> do.</summary>
public static class XpakWriter
{
    /// <summary>The segment <c>XPAKPACK index_len data_len index data XPAKSTOP</c>; keys keep the given order.</summary>
    public static byte[] Segment(IEnumerable<KeyValuePair<string, byte[]>> metadata)
    {
        using var index = new MemoryStream();
        using var data = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        foreach (var (key, value) in metadata)
        {
            var name = Encoding.UTF8.GetBytes(key);
            WriteInt(index, name.Length, number);
            index.Write(name);
            WriteInt(index, (int)data.Length, number);
            WriteInt(index, value.Length, number);
            data.Write(value);
        }

        using var segment = new MemoryStream();
        segment.Write(XpakTrailer.SegmentStart);
        WriteInt(segment, (int)index.Length, number);
        WriteInt(segment, (int)data.Length, number);
        index.WriteTo(segment);
        data.WriteTo(segment);
        segment.Write(XpakTrailer.SegmentEnd);
        return segment.ToArray();
    }

    /// <summary>Text metadata, each value ending in a newline as ebuild.sh writes build-info files.</summary>
    public static byte[] Segment(IReadOnlyDictionary<string, string> metadata) =>
        Segment(metadata.Select(kv => KeyValuePair.Create(kv.Key, Encoding.UTF8.GetBytes(kv.Value.EndsWith('\n') ? kv.Value : kv.Value + "\n"))));

    /// <summary>Writes <paramref name="image"/> (the tar.bz2), then the segment and its trailer.</summary>
    public static async Task WriteAsync(Stream output, Stream image, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await image.CopyToAsync(output, cancellationToken);
        var segment = Segment(metadata);
        await output.WriteAsync(segment, cancellationToken);
        var trailer = new byte[8];
        XpakTrailer.Write(trailer, (uint)segment.Length);
        await output.WriteAsync(trailer, cancellationToken);
    }

    private static void WriteInt(Stream stream, int value, Span<byte> scratch)
    {
        BinaryPrimitives.WriteInt32BigEndian(scratch, value);
        stream.Write(scratch);
    }
}

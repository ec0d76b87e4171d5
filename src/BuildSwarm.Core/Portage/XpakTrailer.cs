using System.Buffers.Binary;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// The last 16 bytes of an xpak package (<c>portage.xpak.tbz2.scan</c>): <c>XPAKSTOP</c>, the big-endian length of the
/// xpak segment that ends there, and <c>STOP</c>.
/// </summary>
internal static class XpakTrailer
{
    public const int Length = 16;

    public static ReadOnlySpan<byte> SegmentStart => "XPAKPACK"u8;

    public static ReadOnlySpan<byte> SegmentEnd => "XPAKSTOP"u8;

    public static ReadOnlySpan<byte> Stop => "STOP"u8;

    public static bool IsTrailer(ReadOnlySpan<byte> tail) =>
        tail.Length == Length && tail[..8].SequenceEqual(SegmentEnd) && tail[12..].SequenceEqual(Stop);

    /// <summary>Length of the segment from <c>XPAKPACK</c> through <c>XPAKSTOP</c>.</summary>
    public static uint SegmentLength(ReadOnlySpan<byte> tail) => BinaryPrimitives.ReadUInt32BigEndian(tail[8..12]);

    public static void Write(Span<byte> destination, uint segmentLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[..4], segmentLength);
        Stop.CopyTo(destination[4..8]);
    }
}

namespace BuildSwarm.Core.Portage;

/// <summary>The two binary package formats Portage reads.</summary>
public enum BinaryPackageKind
{
    Unknown,
    Gpkg,
    Xpak,
}

/// <summary>
/// Tells a gpkg from an xpak package by content, as Portage's <c>portage.binpkg.get_binpkg_format</c> does:
/// <c>/gpkg-1\0</c> within the first 100 bytes (the first tar header's name field) means gpkg;
/// a 16-byte tail of <c>XPAKSTOP</c>, a 4-byte offset and <c>STOP</c> means xpak.
/// </summary>
public static class BinaryPackageFormat
{
    public const int HeadLength = 100;
    public const int TailLength = 16;

    private static ReadOnlySpan<byte> GpkgMarker => "/gpkg-1\0"u8;

    public static BinaryPackageKind Detect(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        if (head[..Math.Min(head.Length, HeadLength)].IndexOf(GpkgMarker) >= 0)
        {
            return BinaryPackageKind.Gpkg;
        }

        return XpakTrailer.IsTrailer(tail) ? BinaryPackageKind.Xpak : BinaryPackageKind.Unknown;
    }

    /// <summary>Detects the format of a seekable stream, leaving its position where it was.</summary>
    public static BinaryPackageKind Detect(Stream stream)
    {
        RequireSeekable(stream);
        var origin = stream.Position;
        try
        {
            var head = new byte[(int)Math.Min(HeadLength, stream.Length)];
            stream.Position = 0;
            stream.ReadExactly(head);
            var tail = new byte[(int)Math.Min(TailLength, stream.Length)];
            stream.Seek(-tail.Length, SeekOrigin.End);
            stream.ReadExactly(tail);
            return Detect(head, tail);
        }
        finally
        {
            stream.Position = origin;
        }
    }

    /// <summary>Detects the format of a seekable stream, leaving its position where it was.</summary>
    public static async Task<BinaryPackageKind> DetectAsync(Stream stream, CancellationToken cancellationToken)
    {
        RequireSeekable(stream);
        var origin = stream.Position;
        try
        {
            var head = new byte[(int)Math.Min(HeadLength, stream.Length)];
            stream.Position = 0;
            await stream.ReadExactlyAsync(head, cancellationToken);
            var tail = new byte[(int)Math.Min(TailLength, stream.Length)];
            stream.Seek(-tail.Length, SeekOrigin.End);
            await stream.ReadExactlyAsync(tail, cancellationToken);
            return Detect(head, tail);
        }
        finally
        {
            stream.Position = origin;
        }
    }

    /// <summary>The format a file name promises (Portage trusts this for remote packages): <c>.gpkg.tar</c>, or <c>.tbz2</c>/<c>.xpak</c>.</summary>
    public static BinaryPackageKind FromPath(string path) =>
        path.EndsWith(".gpkg.tar", StringComparison.Ordinal) ? BinaryPackageKind.Gpkg
        : path.EndsWith(".tbz2", StringComparison.Ordinal) || path.EndsWith(".xpak", StringComparison.Ordinal) ? BinaryPackageKind.Xpak
        : BinaryPackageKind.Unknown;

    private static void RequireSeekable(Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("format detection needs a seekable stream (it reads the head and the tail)", nameof(stream));
        }
    }
}

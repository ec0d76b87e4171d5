namespace BuildSwarm.Core.Portage;

/// <summary>One entry point for both formats: detects gpkg or xpak by content and returns the validated metadata.</summary>
public static class BinaryPackageReader
{
    private static readonly string[] RequiredXpakMetadata = ["CATEGORY", "PF", "SLOT"];

    /// <summary>
    /// Reads from the stream's current position. A forward-only stream is fine for gpkgs; an xpak on a forward-only
    /// stream is spooled first (in memory), since its metadata sits at the end.
    /// </summary>
    public static Task<BinaryPackage> ReadAsync(Stream package, CancellationToken cancellationToken) =>
        ReadAsync(package, Spools.InMemory, cancellationToken);

    /// <summary>As <see cref="ReadAsync(Stream, CancellationToken)"/>, spooling a forward-only xpak through <paramref name="spool"/>.</summary>
    public static async Task<BinaryPackage> ReadAsync(Stream package, SpoolFactory spool, CancellationToken cancellationToken)
    {
        if (package.CanSeek)
        {
            return await ReadSeekableAsync(package, cancellationToken);
        }

        var head = new byte[BinaryPackageFormat.HeadLength];
        var read = await package.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var whole = new PrefixedStream(head.AsMemory(0, read), package);
        if (BinaryPackageFormat.Detect(head.AsSpan(0, read), []) == BinaryPackageKind.Gpkg)
        {
            return FromGpkg(await GpkgReader.ReadAsync(whole, cancellationToken));
        }

        await using var spooled = spool();
        await whole.CopyToAsync(spooled, cancellationToken);
        spooled.Position = 0;
        return await ReadSeekableAsync(spooled, cancellationToken);
    }

    private static async Task<BinaryPackage> ReadSeekableAsync(Stream package, CancellationToken cancellationToken)
    {
        switch (await BinaryPackageFormat.DetectAsync(package, cancellationToken))
        {
            case BinaryPackageKind.Gpkg:
                return FromGpkg(await GpkgReader.ReadAsync(package, cancellationToken));
            case BinaryPackageKind.Xpak:
                var metadata = await XpakReader.ReadAsync(package, cancellationToken);
                var absent = RequiredXpakMetadata.Where(k => string.IsNullOrEmpty(metadata.GetValueOrDefault(k))).ToList();
                if (absent.Count > 0)
                {
                    throw new InvalidPackageException($"xpak metadata lacks {string.Join(", ", absent)}");
                }

                return new BinaryPackage(BinaryPackageKind.Xpak, metadata, Gpkg: null);
            default:
                throw new InvalidPackageException("not a binary package: no '/gpkg-1' tar header at the start and no XPAKSTOP trailer at the end");
        }
    }

    private static BinaryPackage FromGpkg(GpkgInfo info) => new(BinaryPackageKind.Gpkg, info.Metadata, info);
}

namespace BuildSwarm.Core.Portage;

/// <summary>Turns the unsigned Manifest text into an OpenPGP clear-signed text.</summary>
public delegate Task<string> GpkgManifestSigner(string manifest, CancellationToken cancellationToken);

/// <summary>How <see cref="GpkgWriter"/> lays out a gpkg.</summary>
public sealed record GpkgWriteOptions
{
    /// <summary>Compression of both inner archives; zstd is Portage's default (BINPKG_COMPRESS).</summary>
    public GpkgCompression Compression { get; init; } = GpkgCompression.Zstd;

    /// <summary>The top directory; defaults to PF, as Portage names it without binpkg-multi-instance.</summary>
    public string? TopDirectory { get; init; }

    /// <summary>
    /// Modification time of every tar entry. Core reads no clock: callers stamp the time they
    /// want (their TimeProvider's now); the default, the Unix epoch, gives reproducible output.
    /// </summary>
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>Signs the Manifest when set; the signature is the caller's business.</summary>
    public GpkgManifestSigner? SignManifest { get; init; }

    /// <summary>Where the compressed inner archives are spooled before the container is written; memory unless given.</summary>
    public SpoolFactory Spool { get; init; } = Spools.InMemory;
}

/// <summary>One regular file of an image given from memory: <paramref name="Path"/> is relative to the image root.</summary>
public sealed record GpkgImageFile(string Path, ReadOnlyMemory<byte> Content, UnixFileMode Mode = (UnixFileMode)0b110_100_100);

using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// Reads and validates a gpkg the way Portage's <c>gpkg._verify_binpkg</c> does, in one forward pass over the stream:
/// each member is hashed while it streams past (the image is never decompressed or buffered), and the sizes and hashes
/// are checked against the Manifest once it arrives as the last member.
/// </summary>
public static class GpkgReader
{
    private const int MaxManifestBytes = 1 << 20;

    public static async Task<GpkgInfo> ReadAsync(Stream gpkg, CancellationToken cancellationToken)
    {
        var scan = new GpkgScan();
        try
        {
            await using var reader = new TarReader(gpkg, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                await ReadMemberAsync(scan, entry, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new InvalidPackageException($"not a valid gpkg tar archive: {ex.Message}");
        }
        catch (OverflowException)
        {
            // System.Formats.Tar overflows on a base-256 (binary) numeric field too large for its type, e.g. a member's size.
            throw new InvalidPackageException("not a valid gpkg tar archive: a tar header holds a numeric field (e.g. a member's size) out of range, such as a base-256 binary size");
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or NotSupportedException)
        {
            // System.Formats.Tar throws these for a negative member size and for member types it does not read (e.g. sparse files).
            throw new InvalidPackageException($"not a valid gpkg tar archive: a tar header the reader refuses (a negative size or an unsupported member type): {ex.Message}");
        }

        return GpkgVerification.Verify(scan);
    }

    private static async Task ReadMemberAsync(GpkgScan scan, TarEntry entry, CancellationToken cancellationToken)
    {
        var (top, fileName) = SplitName(entry);
        if (scan.Members.Count == 0 && entry.Format == TarEntryFormat.V7)
        {
            throw new InvalidPackageException("gpkg container is a V7 tar; Portage accepts only ustar, GNU or PAX containers");
        }

        scan.TopDirectory ??= top;
        if (top != scan.TopDirectory)
        {
            throw new InvalidPackageException($"gpkg members are under more than one directory ('{scan.TopDirectory}' and '{top}')");
        }

        if (scan.Members.Contains(fileName))
        {
            throw new InvalidPackageException($"gpkg member '{entry.Name}' appears twice");
        }

        var kind = Classify(scan, entry.Name, fileName);
        scan.Members.Add(fileName);
        scan.LastKind = kind;

        var data = entry.DataStream ?? Stream.Null;
        if (kind == GpkgMemberKind.Manifest)
        {
            scan.ManifestText = await ReadManifestAsync(entry, data, cancellationToken);
            return;
        }

        using var digester = new GpkgDigester();
        var digesting = new DigestingStream(data, digester);
        if (kind == GpkgMemberKind.Metadata)
        {
            await ReadMetadataAsync(scan, digesting, cancellationToken);
        }

        await digesting.CopyToAsync(Stream.Null, cancellationToken);
        scan.Digests[fileName] = digester.Finish();
    }

    private static (string Top, string FileName) SplitName(TarEntry entry)
    {
        var name = entry.Name;
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new InvalidPackageException($"gpkg member '{name}' is a {entry.EntryType}; a gpkg holds only regular files");
        }

        if (name.StartsWith('/'))
        {
            throw new InvalidPackageException($"gpkg member '{name}' has an absolute name");
        }

        var parts = name.Split('/');
        if (parts.Length != 2 || parts.Any(p => p is "" or "." or ".."))
        {
            throw new InvalidPackageException($"gpkg member '{name}' is not directly under one top directory (expected '<PF>/<file>')");
        }

        return (parts[0], parts[1]);
    }

    private static GpkgMemberKind Classify(GpkgScan scan, string fullName, string fileName)
    {
        if (!GpkgMember.TryClassify(fileName, out var kind, out var compression))
        {
            throw new InvalidPackageException(
                $"gpkg member '{fullName}' is not part of a gpkg (expected gpkg-1, metadata.tar.<ext>, image.tar.<ext>, their .sig, Manifest)");
        }

        if (scan.Members.Count == 0 && kind != GpkgMemberKind.Version)
        {
            throw new InvalidPackageException($"not a gpkg: the first member must be 'gpkg-1', found '{fullName}'");
        }

        if (scan.LastKind is { } previous && kind <= previous)
        {
            throw new InvalidPackageException(previous == GpkgMemberKind.Manifest
                ? $"gpkg member '{fullName}' follows the Manifest; the Manifest must be the last member"
                : $"gpkg member '{fullName}' is out of order (expected gpkg-1, metadata, image, Manifest)");
        }

        switch (kind)
        {
            case GpkgMemberKind.Metadata:
                scan.MetadataCompression = compression;
                break;
            case GpkgMemberKind.Image:
                scan.ImageCompression = compression;
                break;
            case GpkgMemberKind.MetadataSignature or GpkgMemberKind.ImageSignature
                when scan.Members[^1] + GpkgMember.SignatureSuffix != fileName:
                throw new InvalidPackageException($"gpkg signature '{fullName}' does not follow the member it signs ('{scan.Members[^1]}')");
        }

        return kind;
    }

    private static async Task ReadMetadataAsync(GpkgScan scan, Stream compressed, CancellationToken cancellationToken)
    {
        var compression = scan.MetadataCompression;
        if (!compression.CanRead())
        {
            scan.MetadataError = $"gpkg metadata compression '{compression.Suffix()}' is not supported here";
            return;
        }

        // A damaged archive is reported after the hash check, which names the real problem more precisely.
        try
        {
            await using var tar = compression.OpenRead(compressed);
            scan.Metadata = await GpkgMetadataArchive.ReadAsync(tar, cancellationToken);
        }
        catch (InvalidPackageException ex)
        {
            scan.MetadataError = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            scan.MetadataError = $"gpkg metadata archive cannot be read: {ex.Message}";
        }
    }

    private static async Task<string> ReadManifestAsync(TarEntry entry, Stream data, CancellationToken cancellationToken)
    {
        if (entry.Length > MaxManifestBytes)
        {
            throw new InvalidPackageException($"gpkg Manifest is {entry.Length} bytes; more than {MaxManifestBytes} is not a Manifest");
        }

        var bytes = new byte[entry.Length];
        await data.ReadExactlyAsync(bytes, cancellationToken);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidPackageException("gpkg Manifest is not UTF-8 text");
        }
    }
}

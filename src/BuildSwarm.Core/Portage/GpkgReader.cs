using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>What a gpkg (GLEP 78) says about itself.</summary>
public sealed record GpkgInfo(string TopDirectory, IReadOnlyList<string> Members, IReadOnlyDictionary<string, string> Metadata)
{
    public string? Category => Metadata.GetValueOrDefault("CATEGORY");

    public string? Pf => Metadata.GetValueOrDefault("PF");
}

public sealed class InvalidPackageException(string message) : Exception(message);

/// <summary>Reads the metadata of a gpkg binary package without unpacking its image.</summary>
public static class GpkgReader
{
    private const int MaxMetadataValueBytes = 1 << 20;

    public static async Task<GpkgInfo> ReadAsync(Stream gpkg, CancellationToken cancellationToken)
    {
        var members = new List<string>();
        string? topDirectory = null;
        Dictionary<string, string>? metadata = null;

        await using var reader = new TarReader(gpkg, leaveOpen: true);
        TarEntry? entry;
        try
        {
            while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken)) is not null)
            {
                if (entry.EntryType is TarEntryType.Directory)
                {
                    continue;
                }

                var parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || entry.Name.StartsWith('/') || parts.Contains(".."))
                {
                    throw new InvalidPackageException($"gpkg member '{entry.Name}' is not directly under one top directory");
                }

                topDirectory ??= parts[0];
                if (parts[0] != topDirectory)
                {
                    throw new InvalidPackageException($"gpkg members are under more than one directory ('{topDirectory}' and '{parts[0]}')");
                }

                if (members.Count == 0 && parts[1] != "gpkg-1")
                {
                    throw new InvalidPackageException("not a gpkg: the first member must be 'gpkg-1'");
                }

                if (members.Contains(parts[1]))
                {
                    throw new InvalidPackageException($"gpkg member '{parts[1]}' appears twice");
                }

                members.Add(parts[1]);
                if (parts[1].StartsWith("metadata.tar", StringComparison.Ordinal) && !parts[1].EndsWith(".sig", StringComparison.Ordinal))
                {
                    if (entry.DataStream is null)
                    {
                        throw new InvalidPackageException("gpkg metadata archive is empty");
                    }

                    metadata = await ReadMetadataArchiveAsync(parts[1], entry.DataStream, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new InvalidPackageException($"not a valid gpkg tar archive: {ex.Message}");
        }

        if (topDirectory is null)
        {
            throw new InvalidPackageException("not a gpkg: the archive is empty");
        }

        if (metadata is null)
        {
            throw new InvalidPackageException("gpkg has no metadata archive");
        }

        if (members[^1] != "Manifest")
        {
            throw new InvalidPackageException("gpkg must end with its Manifest");
        }

        return new GpkgInfo(topDirectory, members, metadata);
    }

    private static async Task<Dictionary<string, string>> ReadMetadataArchiveAsync(string name, Stream data, CancellationToken cancellationToken)
    {
        Stream decompressed = name switch
        {
            "metadata.tar.gz" => new GZipStream(data, CompressionMode.Decompress, leaveOpen: true),
            "metadata.tar" => data,
            _ => throw new InvalidPackageException($"unsupported metadata compression '{name}'"),
        };

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (decompressed)
        {
            await using var reader = new TarReader(decompressed, leaveOpen: true);
            TarEntry? entry;
            while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken)) is not null)
            {
                if (entry.EntryType is TarEntryType.Directory || entry.DataStream is null)
                {
                    continue;
                }

                var key = entry.Name.StartsWith("metadata/", StringComparison.Ordinal) ? entry.Name["metadata/".Length..] : null;
                if (string.IsNullOrEmpty(key) || key.Contains('/', StringComparison.Ordinal))
                {
                    continue;
                }

                if (entry.Length > MaxMetadataValueBytes)
                {
                    throw new InvalidPackageException($"gpkg metadata '{key}' is larger than {MaxMetadataValueBytes} bytes");
                }

                using var text = new StreamReader(entry.DataStream, Encoding.UTF8, leaveOpen: true);
                values[key] = (await text.ReadToEndAsync(cancellationToken)).Trim();
            }
        }

        return values;
    }
}

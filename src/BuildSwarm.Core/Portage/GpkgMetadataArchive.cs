using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>The inner <c>metadata.tar</c> of a gpkg: one <c>metadata/&lt;KEY&gt;</c> file per key.</summary>
internal static class GpkgMetadataArchive
{
    private const string Prefix = "metadata/";
    private const int MaxValueBytes = 1 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads the text keys. Binary keys (e.g. <c>environment.bz2</c>) and values over 1 MiB are skipped:
    /// nothing the binhost serves needs them.
    /// </summary>
    public static async Task<Dictionary<string, string>> ReadAsync(Stream tar, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var key = CheckMember(entry);
            if (entry.DataStream is null || key.Contains('/', StringComparison.Ordinal) || entry.Length > MaxValueBytes)
            {
                continue;
            }

            var bytes = new byte[entry.Length];
            await entry.DataStream.ReadExactlyAsync(bytes, cancellationToken);
            if (TryDecode(bytes, out var text))
            {
                values[key] = text.Trim();
            }
        }

        return values;
    }

    /// <summary>
    /// Portage reads every member of <c>metadata.tar</c> as <c>metadata/&lt;KEY&gt;</c> (<c>gpkg._strip_metadata_prefix</c>,
    /// on the name Python's tarfile gives, i.e. without a trailing slash) and reads each as a file, so a bare
    /// <c>metadata</c> directory member, <c>./metadata/KEY</c> or any non-file member makes it reject the package.
    /// </summary>
    private static string CheckMember(TarEntry entry)
    {
        var name = entry.Name.TrimEnd('/');
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length == Prefix.Length)
        {
            throw new InvalidPackageException(
                $"gpkg metadata member '{entry.Name}' does not start with '{Prefix}': every member of metadata.tar must be " +
                $"'{Prefix}<KEY>' (Portage's gpkg reader rejects it: \"Invalid metadata path: {name}\")");
        }

        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new InvalidPackageException(
                $"gpkg metadata member '{entry.Name}' is a {entry.EntryType}; every member of metadata.tar must be a regular file '{Prefix}<KEY>'");
        }

        return name[Prefix.Length..];
    }

    /// <summary>Writes each key as <c>metadata/KEY</c> with a trailing newline, as ebuild.sh leaves them in build-info.</summary>
    public static async Task WriteAsync(Stream output, IReadOnlyDictionary<string, string> metadata, DateTimeOffset mtime, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (key.Length == 0 || key.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"metadata key '{key}' cannot be a file name", nameof(metadata));
            }

            var data = Encoding.UTF8.GetBytes(value.EndsWith('\n') ? value : value + "\n");
            var entry = new UstarTarEntry(TarEntryType.RegularFile, Prefix + key)
            {
                DataStream = new MemoryStream(data, writable: false),
                ModificationTime = mtime,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            await writer.WriteEntryAsync(entry, cancellationToken);
        }
    }

    private static bool TryDecode(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }
}

using System.Globalization;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>One <c>DATA &lt;name&gt; &lt;size&gt; &lt;HASH&gt; &lt;hex&gt;...</c> line of a gpkg Manifest.</summary>
public sealed record GpkgManifestEntry(string Name, long Size, IReadOnlyDictionary<string, string> Hashes)
{
    public string? Blake2b => Hashes.GetValueOrDefault("BLAKE2B");

    public string? Sha512 => Hashes.GetValueOrDefault("SHA512");

    public static GpkgManifestEntry From(string name, GpkgDigest digest) =>
        new(name, digest.Size, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BLAKE2B"] = digest.Blake2b,
            ["SHA512"] = digest.Sha512,
        });

    /// <summary>The line as Portage's <c>_add_manifest</c> writes it: BLAKE2B then SHA512.</summary>
    public string ToLine() =>
        string.Join(' ', new[] { "DATA", Name, Size.ToString(CultureInfo.InvariantCulture) }
            .Concat(Hashes.OrderBy(h => h.Key == "BLAKE2B" ? 0 : h.Key == "SHA512" ? 1 : 2).ThenBy(h => h.Key, StringComparer.Ordinal)
                .SelectMany(h => new[] { h.Key, h.Value })));
}

/// <summary>The Manifest member of a gpkg: its DATA lines, and whether it came as an OpenPGP clear-signed text.</summary>
public sealed record GpkgManifest(IReadOnlyList<GpkgManifestEntry> Entries, bool IsClearSigned)
{
    private const string SignedHeader = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureHeader = "-----BEGIN PGP SIGNATURE-----";

    public GpkgManifestEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>The unsigned Manifest text: one DATA line per entry, each ending in a newline.</summary>
    public string Format() => string.Concat(Entries.Select(e => e.ToLine() + "\n"));

    /// <summary>
    /// Parses a Manifest like Portage's <c>gpkg._load_manifest</c>: every non-empty line is <c>DATA name size [HASH hex]...</c>,
    /// names are unique. A clear-signed Manifest is unwrapped (armor and dash-escaping removed); the signature is not checked here.
    /// </summary>
    public static GpkgManifest Parse(string text)
    {
        var signed = text.Contains(SignatureHeader, StringComparison.Ordinal);
        var body = signed ? StripClearSignature(text) : text;

        var entries = new List<GpkgManifestEntry>();
        foreach (var rawLine in body.Split('\n'))
        {
            var fields = rawLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            entries.Add(ParseLine(rawLine.Trim(), fields, entries));
        }

        return new GpkgManifest(entries, signed);
    }

    private static GpkgManifestEntry ParseLine(string line, string[] fields, List<GpkgManifestEntry> seen)
    {
        if (fields[0] != "DATA" || fields.Length < 3)
        {
            throw new InvalidPackageException($"gpkg Manifest line '{line}' is not 'DATA <name> <size> <HASH> <hex>...'");
        }

        var name = fields[1];
        if (seen.Any(e => e.Name == name))
        {
            throw new InvalidPackageException($"gpkg Manifest lists '{name}' twice");
        }

        if (!long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new InvalidPackageException($"gpkg Manifest gives '{name}' the size '{fields[2]}', which is not a number");
        }

        if (fields.Length % 2 == 0)
        {
            throw new InvalidPackageException($"gpkg Manifest line for '{name}' has a hash name without a value");
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 3; i < fields.Length; i += 2)
        {
            hashes[fields[i]] = fields[i + 1].ToLowerInvariant();
        }

        return new GpkgManifestEntry(name, size, hashes);
    }

    // RFC 4880 section 7: header lines up to a blank line, then the dash-escaped text up to the signature block.
    private static string StripClearSignature(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == SignedHeader);
        if (start < 0)
        {
            throw new InvalidPackageException("gpkg Manifest has an OpenPGP signature but no '-----BEGIN PGP SIGNED MESSAGE-----' header");
        }

        var i = start + 1;
        while (i < lines.Length && lines[i].Trim().Length > 0)
        {
            i++;
        }

        var body = new StringBuilder();
        for (i++; i < lines.Length && lines[i].TrimEnd() != SignatureHeader; i++)
        {
            var line = lines[i].StartsWith("- ", StringComparison.Ordinal) ? lines[i][2..] : lines[i];
            body.Append(line).Append('\n');
        }

        if (i >= lines.Length)
        {
            throw new InvalidPackageException("gpkg Manifest is clear-signed but its signature block is missing");
        }

        return body.ToString();
    }
}

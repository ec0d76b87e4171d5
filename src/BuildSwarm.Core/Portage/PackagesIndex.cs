using System.Globalization;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// Writes the <c>Packages</c> index the way Portage's <c>getbinpkg.PackageIndex.write</c> does: a header block, then one
/// block per package sorted by CPV; keys sorted by Portage's in-memory names; empty values, values equal to
/// <see cref="PackagesIndexKeys.PackageDefaults"/>, and CHOST/REPO equal to the header's left out.
/// </summary>
public static class PackagesIndex
{
    /// <summary>Index version Portage writes and accepts (<c>_pkgindex_version</c>).</summary>
    public const string Version = "0";

    /// <summary>Writes with the header's TIMESTAMP as it is (Core reads no clock: callers stamp the time).</summary>
    public static string Write(
        IReadOnlyDictionary<string, string> header,
        IEnumerable<IReadOnlyDictionary<string, string>> packages) =>
        Write(header, packages, null);

    /// <summary>Writes with TIMESTAMP set to <paramref name="timestamp"/> (unix seconds), as Portage does on every change.</summary>
    public static string Write(
        IReadOnlyDictionary<string, string> header,
        IEnumerable<IReadOnlyDictionary<string, string>> packages,
        DateTimeOffset? timestamp)
    {
        var sorted = packages
            .Select(p => p.ToDictionary(kv => PackagesIndexKeys.IndexName(kv.Key), kv => kv.Value, StringComparer.Ordinal))
            .OrderBy(p => p.GetValueOrDefault("CPV"), StringComparer.Ordinal)
            .ThenBy(p => BuildIdOrder(p.GetValueOrDefault("BUILD_ID")))
            .ToList();

        var fullHeader = FullHeader(header, sorted.Count, timestamp);
        var text = new StringBuilder();
        WriteBlock(text, fullHeader);
        foreach (var package in sorted)
        {
            WriteBlock(text, Reduce(package, fullHeader));
        }

        return text.ToString();
    }

    /// <summary>
    /// The header block exactly as <see cref="Write(IReadOnlyDictionary{string, string}, IEnumerable{IReadOnlyDictionary{string, string}}, DateTimeOffset?)"/>
    /// writes it for <paramref name="packageCount"/> packages. With <see cref="WritePackage"/> an index can be kept as cached
    /// blocks and written by concatenation: header, then the package blocks in <see cref="BuildIdOrder"/>/CPV order.
    /// </summary>
    public static string WriteHeader(IReadOnlyDictionary<string, string> header, int packageCount, DateTimeOffset? timestamp)
    {
        var text = new StringBuilder();
        WriteBlock(text, FullHeader(header, packageCount, timestamp));
        return text.ToString();
    }

    /// <summary>One package block (with its blank line) as <c>Write</c> writes it under <paramref name="header"/>.</summary>
    public static string WritePackage(IReadOnlyDictionary<string, string> header, IReadOnlyDictionary<string, string> package)
    {
        var fullHeader = header.ToDictionary(kv => PackagesIndexKeys.IndexName(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        var block = package.ToDictionary(kv => PackagesIndexKeys.IndexName(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        var text = new StringBuilder();
        WriteBlock(text, Reduce(block, fullHeader));
        return text.ToString();
    }

    /// <summary>The tie-break between blocks of one CPV: BUILD_ID as a number, a missing or odd one as 0.</summary>
    public static long BuildIdOrder(string? buildId) =>
        long.TryParse(buildId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    private static Dictionary<string, string> FullHeader(IReadOnlyDictionary<string, string> header, int packageCount, DateTimeOffset? timestamp)
    {
        var fullHeader = header.ToDictionary(kv => PackagesIndexKeys.IndexName(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        fullHeader["PACKAGES"] = packageCount.ToString(CultureInfo.InvariantCulture);
        fullHeader["VERSION"] = Version;
        if (timestamp is { } now)
        {
            fullHeader["TIMESTAMP"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return fullHeader;
    }

    /// <summary>Reads an index back into its header and package blocks as written (no defaults filled in).</summary>
    public static (Dictionary<string, string> Header, List<Dictionary<string, string>> Packages) Read(string text)
    {
        var blocks = new List<Dictionary<string, string>>();
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                if (current.Count > 0)
                {
                    blocks.Add(current);
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                continue;
            }

            // Portage splits at the first colon and drops the one character after it.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                current[line[..colon]] = colon + 1 < line.Length ? line[(colon + 2)..] : "";
            }
        }

        if (current.Count > 0)
        {
            blocks.Add(current);
        }

        return blocks.Count == 0 ? ([], []) : (blocks[0], blocks.Skip(1).ToList());
    }

    /// <summary>
    /// Reads an index as a Portage client sees it (<c>PackageIndex.readBody</c>): blocks without CPV are skipped, keys a
    /// client does not keep are dropped, defaults and the header's CHOST/REPO fill in what was left out.
    /// </summary>
    public static (Dictionary<string, string> Header, List<Dictionary<string, string>> Packages) ReadAsClient(string text)
    {
        var (header, blocks) = Read(text);
        var packages = new List<Dictionary<string, string>>();
        foreach (var block in blocks.Where(b => !string.IsNullOrEmpty(b.GetValueOrDefault("CPV"))))
        {
            var package = block.Where(kv => PackagesIndexKeys.AllowedPackageKeys.Contains(kv.Key))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            foreach (var (key, value) in PackagesIndexKeys.PackageDefaults)
            {
                package.TryAdd(key, value);
            }

            foreach (var key in PackagesIndexKeys.Inherited.Where(header.ContainsKey))
            {
                package.TryAdd(key, header[key]);
            }

            packages.Add(package);
        }

        return (header, packages);
    }

    private static Dictionary<string, string> Reduce(Dictionary<string, string> package, Dictionary<string, string> header)
    {
        var reduced = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in package)
        {
            var inherited = PackagesIndexKeys.Inherited.Contains(key) && header.GetValueOrDefault(key) == value;
            var isDefault = PackagesIndexKeys.PackageDefaults.TryGetValue(key, out var fallback) && fallback == value;
            if (PackagesIndexKeys.AllowedPackageKeys.Contains(key) && !inherited && !isDefault)
            {
                reduced[key] = value;
            }
        }

        return reduced;
    }

    private static void WriteBlock(StringBuilder text, Dictionary<string, string> block)
    {
        foreach (var key in block.Keys.Order(PackagesIndexKeys.WriteOrder))
        {
            // A value never spans lines in the index; Portage joins multi-line metadata with spaces.
            var value = block[key].ReplaceLineEndings(" ").Trim();
            if (value.Length > 0)
            {
                text.Append(key).Append(": ").Append(value).Append('\n');
            }
        }

        text.Append('\n');
    }
}

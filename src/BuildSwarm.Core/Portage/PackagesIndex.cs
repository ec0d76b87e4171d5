using System.Globalization;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>
/// Writes the <c>Packages</c> index the way Portage's own <c>writePkgIndex</c> does: a header block,
/// then one block per package, keys sorted, empty values left out, packages sorted by CPV.
/// </summary>
public static class PackagesIndex
{
    public static string Write(
        IReadOnlyDictionary<string, string> header,
        IEnumerable<IReadOnlyDictionary<string, string>> packages)
    {
        var sorted = packages
            .OrderBy(p => p.GetValueOrDefault("CPV"), StringComparer.Ordinal)
            .ThenBy(p => ParseLong(p.GetValueOrDefault("BUILD_ID")))
            .ToList();

        var fullHeader = new Dictionary<string, string>(header, StringComparer.Ordinal)
        {
            ["PACKAGES"] = sorted.Count.ToString(CultureInfo.InvariantCulture),
            ["VERSION"] = "0",
        };

        var text = new StringBuilder();
        WriteBlock(text, fullHeader);
        foreach (var package in sorted)
        {
            WriteBlock(text, package);
        }

        return text.ToString();
    }

    /// <summary>Reads an index back into its header and package blocks (used by tests and verification).</summary>
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

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                current[line[..colon]] = line[(colon + 1)..].TrimStart(' ');
            }
        }

        if (current.Count > 0)
        {
            blocks.Add(current);
        }

        return blocks.Count == 0 ? ([], []) : (blocks[0], blocks.Skip(1).ToList());
    }

    private static void WriteBlock(StringBuilder text, IReadOnlyDictionary<string, string> block)
    {
        foreach (var (key, value) in block.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            // A value never spans lines in the index; Portage joins multi-line metadata with spaces.
            text.Append(key).Append(": ").Append(value.ReplaceLineEndings(" ").Trim()).Append('\n');
        }

        text.Append('\n');
    }

    private static long ParseLong(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}

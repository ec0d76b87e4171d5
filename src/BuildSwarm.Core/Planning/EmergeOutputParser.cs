using System.Globalization;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Planning;

/// <summary>
/// Reads the merge list of <c>emerge --pretend --verbose</c>, with or without <c>--tree</c> and
/// <c>--columns</c>, in the format of Portage's <c>_emerge/resolver/output.py</c>:
/// <c>[ebuild  N     ] sys-libs/zlib-1.3.1:0/1::gentoo  USE="-minizip" 1,558 KiB</c>, where the
/// bracket holds the operation and the status letters, and <c>--tree</c> indents a dependency one
/// space deeper than the package that needs it.
/// </summary>
public static partial class EmergeOutputParser
{
    public static MergeList Parse(string text)
    {
        var entries = new List<MergeListEntry>();
        var warnings = new List<string>();
        bool? reverse = null;
        int? total = null;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = Ansi().Replace(raw.TrimEnd('\r'), "");
            if (line.StartsWith("These are the packages that would be ", StringComparison.Ordinal))
            {
                reverse = line.Contains("in reverse order", StringComparison.Ordinal);
                continue;
            }

            if (TotalLine().Match(line) is { Success: true } totalMatch)
            {
                total = int.Parse(totalMatch.Groups[1].Value, CultureInfo.InvariantCulture);
                continue;
            }

            var match = PackageLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var entry = ReadEntry(match, line);
            if (entry is null)
            {
                warnings.Add($"line {number}: cannot read '{line.Trim()}'");
                continue;
            }

            entries.Add(entry);
        }

        return new MergeList(entries, reverse, total, warnings);
    }

    private static MergeListEntry? ReadEntry(Match match, string line)
    {
        var kind = match.Groups["kind"].Value switch
        {
            "ebuild" => MergeKind.Ebuild,
            "binary" => MergeKind.Binary,
            "nomerge" => MergeKind.Nomerge,
            "uninstall" => MergeKind.Uninstall,
            _ => MergeKind.Blocker,
        };
        var flags = match.Groups["flags"].Value.Replace(" ", "", StringComparison.Ordinal);
        var depth = match.Groups["indent"].Value.Length;
        var rest = match.Groups["rest"].Value;
        var (first, after) = NextToken(rest);
        if (kind == MergeKind.Blocker)
        {
            return new MergeListEntry(kind, flags, depth, first, null, null, null, null, new Dictionary<string, string>(), line.Trim());
        }

        // With --columns, the name and the version are separate: "sys-libs/zlib   [1.3.1::gentoo]".
        var package = first;
        if (!first.Contains("::", StringComparison.Ordinal) && !Cpv.TryParse(StripSlot(first), out _) && after.TrimStart().StartsWith('['))
        {
            var version = ReadBracket(after.TrimStart(), out after);
            package = $"{first}-{version}";
        }

        if (ReadPackage(package, kind) is not { } parsed)
        {
            return null;
        }

        string? installed = null;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        while (after.Length > 0)
        {
            after = after.TrimStart();
            if (after.StartsWith('[') && installed is null && variables.Count == 0)
            {
                installed = ReadBracket(after, out after);
            }
            else if (Variable().Match(after) is { Success: true } variable)
            {
                variables[variable.Groups["key"].Value] = variable.Groups["value"].Value;
                after = after[variable.Length..];
            }
            else
            {
                (_, after) = NextToken(after); // size ("1,558 KiB"), "to /root/", repository notes
            }
        }

        return new MergeListEntry(kind, flags, depth, parsed.Cpv, parsed.Slot, parsed.Repository, parsed.BuildId, installed, variables, line.Trim());
    }

    /// <summary>Splits <c>cat/pkg-1.0[-BUILD_ID][:SLOT[/SUB]][::repo]</c>.</summary>
    private static (string Cpv, string? Slot, string? Repository, string? BuildId)? ReadPackage(string text, MergeKind kind)
    {
        string? repository = null;
        var repo = text.IndexOf("::", StringComparison.Ordinal);
        if (repo >= 0)
        {
            repository = text[(repo + 2)..];
            text = text[..repo];
        }

        string? slot = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            slot = text[(colon + 1)..];
            text = text[..colon];
        }

        string? buildId = null;
        if (kind is MergeKind.Binary or MergeKind.Nomerge && BuildIdSuffix().Match(text) is { Success: true } suffix
            && Cpv.TryParse(suffix.Groups["cpv"].Value, out _))
        {
            buildId = suffix.Groups["id"].Value;
            text = suffix.Groups["cpv"].Value;
        }

        return Cpv.TryParse(text, out var cpv) ? (cpv.ToString(), slot, repository, buildId) : null;
    }

    private static string StripSlot(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? token[..colon] : token;
    }

    private static string ReadBracket(string text, out string after)
    {
        var end = text.IndexOf(']', StringComparison.Ordinal);
        if (end < 0)
        {
            after = "";
            return text[1..];
        }

        after = text[(end + 1)..];
        return text[1..end];
    }

    private static (string Token, string After) NextToken(string text)
    {
        text = text.TrimStart();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, "") : (text[..space], text[space..]);
    }

    // output.py: "[%s %s] %s%s" % (type_name, attr_display, indent, ...); nomerge/uninstall: operation.ljust(13).
    [GeneratedRegex(@"^\[(?<kind>ebuild|binary|nomerge|uninstall|blocks)(?<flags>[^\]]*)\] (?<indent> *)(?<rest>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PackageLine();

    [GeneratedRegex(@"^(?<key>[A-Z][A-Z0-9_]*)=""(?<value>[^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();

    [GeneratedRegex(@"^(?<cpv>.+)-(?<id>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex BuildIdSuffix();

    [GeneratedRegex(@"^Total: ([0-9]+) packages?\b", RegexOptions.CultureInvariant)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();
}

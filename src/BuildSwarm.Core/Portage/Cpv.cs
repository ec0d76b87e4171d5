using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace BuildSwarm.Core.Portage;

/// <summary>A Portage category/package-version, e.g. <c>app-misc/hello-1.0-r1</c>.</summary>
public sealed partial record Cpv(string Category, string PackageName, string Version)
{
    /// <summary>Package name with version and revision: what Portage calls PF.</summary>
    public string Pf => $"{PackageName}-{Version}";

    /// <summary>Category and package name without version: what Portage calls CP.</summary>
    public string Cp => $"{Category}/{PackageName}";

    public override string ToString() => $"{Category}/{Pf}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cpv? cpv)
    {
        cpv = null;
        if (string.IsNullOrEmpty(text) || text.Length > 256)
        {
            return false;
        }

        var match = CpvPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        cpv = new Cpv(match.Groups["cat"].Value, match.Groups["pn"].Value, match.Groups["ver"].Value);
        return true;
    }

    public static Cpv Parse(string text) =>
        TryParse(text, out var cpv) ? cpv : throw new FormatException($"'{text}' is not a category/package-version (e.g. app-misc/hello-1.0)");

    // PMS 3.1 (names) and 3.2 (versions). No hyphen-separated part of the package name may look like a version
    // (a complete version with optional revision up to the next hyphen), as in Portage's pn_inval check.
    [GeneratedRegex(
        @"^(?<cat>[A-Za-z0-9_][A-Za-z0-9+_.-]*)/(?<pn>[A-Za-z0-9_][A-Za-z0-9+_]*(?:-(?![0-9]+(?:\.[0-9]+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)[0-9]*)*(?:-r[0-9]+)?(?:-|$))[A-Za-z0-9+_]+)*)-(?<ver>[0-9]+(?:\.[0-9]+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)[0-9]*)*(?:-r[0-9]+)?)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex CpvPattern();
}

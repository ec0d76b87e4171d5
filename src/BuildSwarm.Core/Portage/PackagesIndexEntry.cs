using System.Globalization;

namespace BuildSwarm.Core.Portage;

/// <summary>Builds one package block of the <c>Packages</c> index from a binary package's metadata and file facts.</summary>
public static class PackagesIndexEntry
{
    /// <summary>Metadata keys Portage copies into an index entry (<c>_pkgindex_aux_keys</c> that a package carries).</summary>
    private static readonly string[] MetadataKeys =
    [
        "BDEPEND", "BUILD_ID", "BUILD_TIME", "CHOST", "DEFINED_PHASES", "DEPEND", "DESCRIPTION", "EAPI", "IDEPEND", "IUSE",
        "KEYWORDS", "LICENSE", "PDEPEND", "PROPERTIES", "PROVIDES", "RDEPEND", "repository", "REQUIRES", "RESTRICT", "SLOT", "USE",
    ];

    /// <summary>
    /// Maps metadata to index keys (<c>repository</c> to REPO, <c>DESCRIPTION</c> to DESC), collapses whitespace as
    /// <c>bindbapi.aux_get</c> does, and adds CPV, PATH, SIZE, MD5, SHA1 and MTIME. Defaults are left for
    /// <see cref="PackagesIndex.Write(IReadOnlyDictionary{string, string}, IEnumerable{IReadOnlyDictionary{string, string}}, DateTimeOffset?)"/> to drop.
    /// </summary>
    public static Dictionary<string, string> Create(IReadOnlyDictionary<string, string> metadata, PackageFileFacts file, long? buildId = null)
    {
        var category = Require(metadata, "CATEGORY");
        var pf = Require(metadata, "PF");
        var cpv = $"{category}/{pf}";
        if (!Cpv.TryParse(cpv, out _))
        {
            throw new InvalidPackageException($"CATEGORY/PF '{cpv}' is not a valid category/package-version");
        }

        var entry = new Dictionary<string, string>(StringComparer.Ordinal) { ["CPV"] = cpv };
        foreach (var key in MetadataKeys)
        {
            if (metadata.TryGetValue(key, out var value) && Collapse(value) is { Length: > 0 } collapsed)
            {
                entry[PackagesIndexKeys.IndexName(key)] = collapsed;
            }
        }

        if (!entry.ContainsKey("EAPI"))
        {
            entry["EAPI"] = "0";
        }

        if (buildId is { } id)
        {
            entry["BUILD_ID"] = id.ToString(CultureInfo.InvariantCulture);
        }

        entry["PATH"] = file.Path;
        entry["SIZE"] = file.Size.ToString(CultureInfo.InvariantCulture);
        entry["MD5"] = file.Md5;
        entry["SHA1"] = file.Sha1;
        entry["MTIME"] = file.MTime.ToString(CultureInfo.InvariantCulture);
        return entry;
    }

    private static string Require(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.GetValueOrDefault(key) is { Length: > 0 } value
            ? value.Trim()
            : throw new InvalidPackageException($"package metadata lacks {key}");

    private static string Collapse(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

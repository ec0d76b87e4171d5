namespace BuildSwarm.Core.Portage;

/// <summary>
/// The key tables of Portage's <c>binarytree.__init__</c> (lib/portage/dbapi/bintree.py), in the names the
/// <c>Packages</c> file uses. Portage keeps three keys under other names in memory (<c>_pkgindex_translated_keys</c>)
/// and sorts a block by those in-memory names, which is why MTIME and REPO come last in every real index.
/// </summary>
public static class PackagesIndexKeys
{
    /// <summary><c>_pkgindex_default_pkg_data</c>: a key with this value is left out when written and restored when read.</summary>
    public static readonly IReadOnlyDictionary<string, string> PackageDefaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["BDEPEND"] = "",
        ["BUILD_ID"] = "",
        ["BUILD_TIME"] = "",
        ["DEFINED_PHASES"] = "",
        ["DEPEND"] = "",
        ["EAPI"] = "0",
        ["IDEPEND"] = "",
        ["IUSE"] = "",
        ["KEYWORDS"] = "",
        ["LICENSE"] = "",
        ["PATH"] = "",
        ["PDEPEND"] = "",
        ["PROPERTIES"] = "",
        ["PROVIDES"] = "",
        ["RDEPEND"] = "",
        ["REQUIRES"] = "",
        ["RESTRICT"] = "",
        ["SLOT"] = "0",
        ["USE"] = "",
    };

    /// <summary><c>_pkgindex_inherited_keys</c>: left out of a package block when equal to the header's value.</summary>
    public static readonly IReadOnlyList<string> Inherited = ["CHOST", "REPO"];

    /// <summary><c>_pkgindex_translated_keys</c>: in-memory name to index name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Translated = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DESCRIPTION"] = "DESC",
        ["_mtime_"] = "MTIME",
        ["repository"] = "REPO",
    };

    /// <summary><c>_pkgindex_allowed_pkg_keys</c> in index names; a client drops any other key of a package block.</summary>
    public static readonly IReadOnlySet<string> AllowedPackageKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "BASE_URI", "BDEPEND", "BUILD_ID", "BUILD_TIME", "CHOST", "CPV", "DEFINED_PHASES", "DEPEND", "DESC", "EAPI",
        "FETCHCOMMAND", "IDEPEND", "IUSE", "KEYWORDS", "LICENSE", "MD5", "MTIME", "PATH", "PDEPEND", "PKGINDEX_URI",
        "PROPERTIES", "PROVIDES", "RDEPEND", "REPO", "REQUIRES", "RESTRICT", "RESUMECOMMAND", "SHA1", "SIZE", "SLOT", "USE",
    };

    /// <summary><c>_pkgindex_header_keys</c>: profile settings Portage copies into the header when set.</summary>
    public static readonly IReadOnlyList<string> ProfileHeaderKeys =
    [
        "ACCEPT_KEYWORDS", "ACCEPT_LICENSE", "ACCEPT_PROPERTIES", "ACCEPT_RESTRICT", "CBUILD", "CONFIG_PROTECT",
        "CONFIG_PROTECT_MASK", "FEATURES", "GENTOO_MIRRORS", "INSTALL_MASK", "IUSE_IMPLICIT", "USE", "USE_EXPAND",
        "USE_EXPAND_HIDDEN", "USE_EXPAND_IMPLICIT", "USE_EXPAND_UNPREFIXED",
    ];

    /// <summary>Orders keys the way <c>PackageIndex.write</c> does: by their in-memory names, ordinal.</summary>
    public static readonly IComparer<string> WriteOrder = Comparer<string>.Create(
        (a, b) => string.CompareOrdinal(InMemoryName(a), InMemoryName(b)));

    /// <summary>The index name for a key given in either form (e.g. <c>repository</c> becomes <c>REPO</c>).</summary>
    public static string IndexName(string key) => Translated.GetValueOrDefault(key, key);

    private static string InMemoryName(string indexKey) =>
        Translated.FirstOrDefault(t => t.Value == indexKey).Key ?? indexKey;
}

namespace BuildSwarm.Gateway.Configuration;

/// <summary>Binhost settings of the gateway (config section <c>Gateway:Binhost</c>).</summary>
public sealed class BinhostOptions
{
    /// <summary>Builds kept per CPV in the live index; older instances leave the index and their files go at the next gc.</summary>
    public int KeepBuilds { get; set; } = 3;

    /// <summary>Sign every published gpkg with the gateway's OpenPGP key (created on start when missing).</summary>
    public bool Sign { get; set; }

    /// <summary>User id of a key created by <c>init-key</c> or by <see cref="Sign"/>.</summary>
    public string KeyUserId { get; set; } = "BuildSwarm binhost <binhost@buildswarm.invalid>";

    /// <summary>The gpg executable.</summary>
    public string Gpg { get; set; } = "gpg";

    /// <summary>gc removes temporaries in <c>.incoming</c> older than this (a live upload keeps touching its file).</summary>
    public int IncomingMaxAgeMinutes { get; set; } = 60;

    /// <summary>
    /// Memory for serving package files without touching the disk (least recently used out first); 0 streams every
    /// file from disk. The live index is always served from memory.
    /// </summary>
    public int MemoryCacheMegabytes { get; set; } = 256;

    /// <summary>Package files larger than this are always streamed from disk.</summary>
    public int MemoryCacheMaxFileMegabytes { get; set; } = 16;

    /// <summary>
    /// Least time between two writes of a target's <c>Packages</c>/<c>Packages.gz</c> files on disk. The gateway serves
    /// the index from memory the moment a package is published; the files follow, batched, for nginx or rsync reading
    /// the directory. 0 writes after every publish.
    /// </summary>
    public int IndexFileIntervalMilliseconds { get; set; } = 1000;

    /// <summary>When not empty, every read below <c>/binhost/</c> needs HTTP basic auth as one of these users.</summary>
    public List<BinhostUserOptions> Users { get; set; } = [];
}

/// <summary>
/// A binhost reader (an entry of <c>Gateway:Binhost:Users</c>). Give <see cref="PasswordSha256"/> (hex SHA-256 of the
/// password, <c>printf %s pass | sha256sum</c>) so the config holds no password; <see cref="Password"/> is accepted too.
/// </summary>
public sealed class BinhostUserOptions
{
    public string User { get; set; } = "";

    public string? PasswordSha256 { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// One binhost target (an entry of <c>Gateway:Targets</c>): the machines sharing ARCH, CHOST, profile and USE.
/// Names are lower-case letters, digits and '_' only: every Gentoo category has a '-' (or is 'virtual'), so
/// <c>/binhost/&lt;x&gt;/</c> is a target exactly when x is a configured target name.
/// </summary>
public sealed class BinhostTargetOptions
{
    public string Name { get; set; } = "";

    public string? Arch { get; set; }

    public string? Chost { get; set; }

    public string? Profile { get; set; }

    public string? Use { get; set; }

    public string? AcceptKeywords { get; set; }

    /// <summary>Written as the index header's URI (base URL for downloads) when set.</summary>
    public string? Uri { get; set; }

    /// <summary>Any other header keys (CBUILD, ACCEPT_LICENSE, USE_EXPAND, FEATURES, ...), written as given.</summary>
    public Dictionary<string, string> Header { get; set; } = [];
}

namespace BuildSwarm.Drone.Configuration;

/// <summary>
/// How this drone builds one target (config <c>Drone:Targets:&lt;name&gt;</c>): the Portage settings the
/// <c>emerge</c> builder writes into each job's own config root.
/// </summary>
public sealed class TargetSettings
{
    /// <summary>Profile below the repository's <c>profiles/</c>, e.g. <c>default/linux/amd64/23.0</c>; empty: the host's.</summary>
    public string? Profile { get; set; }

    public string? Chost { get; set; }

    public string Cflags { get; set; } = "-O2 -pipe";

    /// <summary>Defaults to <see cref="Cflags"/>.</summary>
    public string? Cxxflags { get; set; }

    public string? Use { get; set; }

    /// <summary>Extra FEATURES (incremental, added to the profile's).</summary>
    public string? Features { get; set; }

    public string? AcceptKeywords { get; set; }

    /// <summary>Lines of <c>package.use</c>, e.g. <c>dev-vcs/git -perl</c>.</summary>
    public List<string> PackageUse { get; set; } = [];

    /// <summary>Lines of <c>package.accept_keywords</c>, e.g. <c>app-misc/hello ~amd64</c>.</summary>
    public List<string> PackageAcceptKeywords { get; set; } = [];

    /// <summary>Further make.conf variables, written as <c>KEY="value"</c>.</summary>
    public Dictionary<string, string> MakeConf { get; set; } = [];

    /// <summary>The target's binhost; <c>{gateway}</c> stands for the gateway URL. Default: see docs/gentoo-drone.md.</summary>
    public string? BinhostUrl { get; set; }

    /// <summary>binrepos.conf <c>verify-signature</c>: turn on once the gateway signs its packages.</summary>
    public bool VerifySignature { get; set; }
}

/// <summary>The drone's Portage tree (config <c>Drone:Portage</c>).</summary>
public sealed class PortageOptions
{
    public string RepoPath { get; set; } = "/var/db/repos/gentoo";

    /// <summary>Shell command that brings the tree to the snapshot a build needs; empty: refuse such jobs.</summary>
    public string? SyncCommand { get; set; }

    public int SyncTimeoutMinutes { get; set; } = 30;
}

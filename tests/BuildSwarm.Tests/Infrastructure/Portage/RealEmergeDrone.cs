namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// A drone with the <c>emerge</c> builder running the vendored Portage's real <c>emerge</c> in its own prefix. The
/// whole drone process runs as the test user (through <see cref="PortageUser.Launcher"/>), so everything it writes
/// (job config roots, PKGDIRs, logs) belongs to the user Portage runs as.
/// </summary>
public sealed partial record RealEmergeDrone(string Name, PortagePrefix Prefix, string WorkDir, Dictionary<string, string> Environment)
{
    public const string Use = "loud";

    public static async Task<RealEmergeDrone> CreateAsync(PortagePlayground playground, string name)
    {
        var prefix = await playground.NewPrefixAsync(name);
        var workDir = await playground.UserDirectoryAsync($"{name}-work");
        var environment = new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__WorkDir"] = workDir,
            ["BUILDSWARM_Drone__Builder__Kind"] = "emerge",
            ["BUILDSWARM_Drone__Builder__EmergeCommand"] = Path.Combine(playground.Tree, "bin", "emerge"),
            ["BUILDSWARM_Drone__Builder__TimeoutMinutes"] = "10",
            ["BUILDSWARM_Drone__Portage__RepoPath"] = playground.Repo,
            ["BUILDSWARM_Drone__Targets__default__Profile"] = PortagePlayground.Profile,
            ["BUILDSWARM_Drone__Targets__default__Features"] = PortagePrefix.Features,
            ["BUILDSWARM_Drone__Targets__default__Use"] = Use,
            ["HOME"] = playground.User.Home,
            ["PATH"] = prefix.Environment["PATH"],
        };
        foreach (var (key, value) in prefix.Environment)
        {
            environment[$"BUILDSWARM_Drone__Builder__Environment__{key}"] = value;
        }

        foreach (var (key, value) in prefix.MakeConfVariables)
        {
            environment[$"BUILDSWARM_Drone__Targets__default__MakeConf__{key}"] = value;
        }

        return new RealEmergeDrone(name, prefix, workDir, environment);
    }

    /// <summary>The packages installed in this drone's prefix (Portage's vdb), as CPVs.</summary>
    public IReadOnlySet<string> Installed() =>
        Directory.EnumerateDirectories(Prefix.Vdb).SelectMany(c => Directory.EnumerateDirectories(c).Select(p => $"{Path.GetFileName(c)}/{Path.GetFileName(p)}"))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The packages emerge fetched from a binhost: Portage keeps what it downloads per binrepos.conf entry under
    /// <c>var/cache/binhost/&lt;name&gt;/&lt;cat&gt;/&lt;pn&gt;/&lt;pf&gt;-&lt;BUILD_ID&gt;.gpkg.tar</c>.
    /// </summary>
    public IReadOnlySet<string> Fetched()
    {
        var cache = Path.Combine(Prefix.Root, "var", "cache", "binhost");
        return !Directory.Exists(cache)
            ? new HashSet<string>()
            : Directory.EnumerateFiles(cache, "*.gpkg.tar", SearchOption.AllDirectories)
                .Select(f => $"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(f)))}/{BuildIdSuffix().Replace(Path.GetFileName(f), "")}")
                .ToHashSet(StringComparer.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"-\d+\.gpkg\.tar$")]
    private static partial System.Text.RegularExpressions.Regex BuildIdSuffix();
}

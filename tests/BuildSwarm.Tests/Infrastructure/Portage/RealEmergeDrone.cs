namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// A drone with the <c>emerge</c> builder running the vendored Portage's real <c>emerge</c> in its own prefix. The
/// whole drone process runs as the test user (through <see cref="PortageUser.Launcher"/>), so everything it writes
/// (job config roots, PKGDIRs, logs) belongs to the user Portage runs as.
/// </summary>
public sealed record RealEmergeDrone(string Name, PortagePrefix Prefix, string WorkDir, Dictionary<string, string> Environment)
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
}

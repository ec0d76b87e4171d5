using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>tests/stand-in/emerge: a Portage stand-in that fetches dependencies from the binhost and writes gpkgs.</summary>
public static class StandInEmerge
{
    public static string Path
    {
        get
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, "stand-in", "emerge");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return path;
        }
    }

    /// <summary>Writes the graph as the stand-in's dependency file ("CPV: DEP DEP ...").</summary>
    public static string WriteDeps(string directory, SubmitBuildRequest graph)
    {
        var file = System.IO.Path.Combine(directory, "standin-deps");
        File.WriteAllLines(file, graph.Packages!.Select(p => $"{p.Cpv}: {string.Join(' ', p.Deps ?? [])}"));
        return file;
    }

    /// <summary>Drone settings for the emerge builder running the stand-in against <paramref name="repo"/>.</summary>
    public static Dictionary<string, string> DroneEnvironment(string repo, string depsFile, string logFile, string? syncCommand = null, string target = "default")
    {
        var environment = new Dictionary<string, string>
        {
            ["BUILDSWARM_Drone__Builder__Kind"] = "emerge",
            ["BUILDSWARM_Drone__Builder__EmergeCommand"] = Path,
            ["BUILDSWARM_Drone__Builder__Environment__STANDIN_EMERGE_DEPS"] = depsFile,
            ["BUILDSWARM_Drone__Builder__Environment__STANDIN_EMERGE_LOG"] = logFile,
            ["BUILDSWARM_Drone__Portage__RepoPath"] = repo,
            [$"BUILDSWARM_Drone__Targets__{target}__Use"] = "-doc",
        };
        if (syncCommand is not null)
        {
            environment["BUILDSWARM_Drone__Portage__SyncCommand"] = syncCommand;
        }

        return environment;
    }

    /// <summary>A repository directory whose metadata/timestamp.chk says <paramref name="snapshot"/>.</summary>
    public static string Repo(string directory, string snapshot)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(directory, "metadata"));
        File.WriteAllText(System.IO.Path.Combine(directory, "metadata", "timestamp.chk"), snapshot + "\n");
        return directory;
    }
}

using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Planning;
using BuildSwarm.Core.Portage;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone.Builders;

/// <summary>
/// Builds one exact package version with Portage: the job's target settings go into its own config root,
/// dependencies come from the target's binhost as binary packages, and the package itself is compiled and
/// packed as a gpkg into a private PKGDIR (see docs/gentoo-drone.md for why these emerge options).
/// </summary>
public sealed partial class EmergeBuilder(DroneOptions options, OrchestratorClient orchestrator, ILogger<EmergeBuilder> logger) : IBuilder
{
    private static readonly string[] PackageSuffixes = [".gpkg.tar", ".xpak", ".tbz2"];

    /// <summary>
    /// Dependencies from binary packages (<c>--usepkg --getbinpkg</c>), never the package itself
    /// (<c>--usepkg-exclude</c>), which is compiled and packed (<c>--buildpkg</c>); not added to the world file.
    /// </summary>
    public static IReadOnlyList<string> Arguments(Cpv cpv) =>
        ["--oneshot", "--usepkg", "--getbinpkg", "--buildpkg", $"--usepkg-exclude={cpv.Cp}", "--ignore-default-opts", "--color=n", "--nospinner", $"={cpv}"];

    public async Task<BuildOutcome> BuildAsync(JobLease job, JobDirectory directory, CancellationToken cancellationToken)
    {
        var cpv = Cpv.Parse(job.Cpv);
        if (!options.EffectiveTargets().TryGetValue(job.Target, out var settings))
        {
            return new BuildOutcome(false, null, $"this drone has no settings for target '{job.Target}' (Drone:Targets)", null);
        }

        var gateway = orchestrator.Session?.GatewayUrl ?? throw new NotRegisteredException();
        var binhost = PortageConfigRoot.BinhostUrl(gateway, job.Target, settings);
        var config = PortageConfigRoot.Write(directory.Root, job.Target, settings, binhost, options.Cores / options.SlotCount(), options.Portage.RepoPath);
        var environment = new Dictionary<string, string>(options.Builder.Environment, StringComparer.Ordinal)
        {
            ["PORTAGE_CONFIGROOT"] = config.Root,
        };
        var timeout = TimeSpan.FromMinutes(options.Builder.TimeoutMinutes);
        LogStarting(job.JobId, job.Cpv, binhost);

        // Ask first what emerge would do: a dependency it would compile instead of fetching is not on the binhost
        // yet (or was built with other USE flags), and compiling it here would build it twice in the swarm.
        var pretendLog = Path.Combine(directory.Root, "pretend.log");
        var pretend = await BuildProcess.RunAsync(options.Builder.EmergeCommand, ["--pretend", "--verbose", .. Arguments(cpv)], environment,
            directory.Root, pretendLog, timeout, cancellationToken);
        var plan = File.Exists(pretendLog) ? await File.ReadAllTextAsync(pretendLog, cancellationToken) : "";
        await File.AppendAllTextAsync(directory.LogFile, plan, cancellationToken);
        if (pretend != 0)
        {
            return Failed(pretend is null ? "emerge --pretend timed out" : $"emerge --pretend failed with code {pretend}", plan);
        }

        if (PretendProblem(cpv, EmergeOutputParser.Parse(plan)) is { } problem)
        {
            return Failed(problem, plan);
        }

        var exit = await BuildProcess.RunAsync(options.Builder.EmergeCommand, Arguments(cpv), environment, directory.Root, directory.LogFile, timeout, cancellationToken);
        var log = await File.ReadAllTextAsync(directory.LogFile, cancellationToken);
        if (exit != 0)
        {
            var reason = exit is null ? $"build timed out after {options.Builder.TimeoutMinutes} minutes" : $"emerge exited with code {exit}";
            return Failed(EbuildFailure.FindLast(log) is { } failure ? $"{failure} ({reason})" : reason, log);
        }

        return FindPackage(config.PackageDir, cpv) is { } package
            ? new BuildOutcome(true, package, null, null)
            : Failed($"emerge succeeded but left no binary package of {cpv} in {config.PackageDir}", log);
    }

    /// <summary>Why the pretend run's merge list is not "dependencies from binary packages, this package from source".</summary>
    public static string? PretendProblem(Cpv cpv, MergeList list)
    {
        var compiled = list.Entries.Where(e => e.Kind == MergeKind.Ebuild).Select(e => e.Cpv).ToList();
        if (!compiled.Contains(cpv.ToString()))
        {
            return $"emerge would not build ={cpv} from source here (is it masked, or missing from this drone's tree?)";
        }

        var others = compiled.Where(c => c != cpv.ToString()).ToList();
        return others.Count == 0
            ? null
            : $"emerge would compile {string.Join(", ", others)} on this drone instead of fetching binary packages: not on the target's binhost yet, or built with other USE flags";
    }

    /// <summary>The newest package of exactly this CPV: PKGDIR also holds the dependencies emerge fetched.</summary>
    public static string? FindPackage(string packageDir, Cpv cpv)
    {
        // binpkg-multi-instance: <cat>/<pn>/<pf>-<BUILD_ID>.gpkg.tar; without it: <cat>/<pf>.gpkg.tar (or .tbz2).
        var multi = Path.Combine(packageDir, cpv.Category, cpv.PackageName);
        var candidates = new List<FileInfo>();
        if (Directory.Exists(multi))
        {
            candidates.AddRange(new DirectoryInfo(multi).EnumerateFiles($"{cpv.Pf}-*")
                .Where(f => PackageSuffixes.Any(s => f.Name.EndsWith(s, StringComparison.Ordinal))
                    && f.Name[(cpv.Pf.Length + 1)..].Split('.')[0].All(char.IsAsciiDigit)));
        }

        candidates.AddRange(PackageSuffixes.Select(s => new FileInfo(Path.Combine(packageDir, cpv.Category, cpv.Pf + s))).Where(f => f.Exists));
        return candidates.OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal).FirstOrDefault()?.FullName;
    }

    private static BuildOutcome Failed(string error, string log) =>
        new(false, null, error, string.Join('\n', log.Split('\n').TakeLast(60)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Emerging job {JobId} ({Cpv}) with dependencies from {Binhost}")]
    private partial void LogStarting(long jobId, string cpv, string binhost);
}

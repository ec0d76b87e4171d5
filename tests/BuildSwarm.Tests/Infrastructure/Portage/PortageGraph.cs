using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// The build graph of the test repository as Portage itself sees it: every ebuild's DEPEND, RDEPEND, BDEPEND,
/// PDEPEND and IDEPEND atoms (all USE branches), each resolved to the best visible version by Portage's dbapi.
/// </summary>
public static class PortageGraph
{
    private const string Program = """
        import portage
        from portage.dep import Atom, use_reduce
        portdb = portage.db[portage.settings["EROOT"]]["porttree"].dbapi
        for cp in sorted(portdb.cp_all()):
            for cpv in portdb.cp_list(cp):
                deps = set()
                for value in portdb.aux_get(cpv, ["DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND"]):
                    for atom in use_reduce(value, matchall=True, flat=True, token_class=Atom):
                        if isinstance(atom, Atom) and not atom.blocker:
                            deps.add(portdb.xmatch("bestmatch-visible", atom))
                print("DEP", cpv + ":", " ".join(sorted(deps)))
        """;

    public static async Task<SubmitBuildRequest> ReadAsync(PortagePrefix prefix)
    {
        var (code, output) = await prefix.Playground.User.RunAsync(PortagePlayground.Python, ["-c", Program], prefix.Environment, prefix.Root);
        Assert.True(code == 0, $"reading the repository's dependencies failed ({code}):\n{output}");
        var packages = output.Split('\n')
            .Where(l => l.StartsWith("DEP ", StringComparison.Ordinal))
            .Select(l => l[4..].Split(':', 2))
            .Select(p => new PackageRequest(p[0], p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
        return new SubmitBuildRequest(packages, TreeSnapshot: PortagePlayground.TreeSnapshot);
    }
}

namespace BuildSwarm.Core.Planning;

/// <summary>One package the swarm should build, and the packages of the plan it needs published first.</summary>
/// <param name="Cpv">The exact version Portage chose.</param>
/// <param name="Deps">Packages of this plan it depends on (directly, or through packages the plan does not build).</param>
/// <param name="Use">Enabled USE flags as Portage would build it.</param>
/// <param name="Variables">USE and USE_EXPAND variables as emerge printed them.</param>
public sealed record PlannedPackage(
    string Cpv,
    IReadOnlyList<string> Deps,
    IReadOnlyList<string> Use,
    IReadOnlyDictionary<string, string> Variables);

/// <summary>A dependency graph read from emerge's merge list, in merge order (dependencies first).</summary>
/// <param name="Packages">What to build, dependencies before dependants.</param>
/// <param name="Binaries">Packages emerge would install from existing binary packages: not built.</param>
/// <param name="Blockers">Blocker lines, as printed.</param>
/// <param name="Dropped">Packages left out because the target's binhost already has them.</param>
/// <param name="HasTree">False when the output had no <c>--tree</c> nesting: dependency edges are then unknown.</param>
/// <param name="Total">emerge's own count from the "Total:" footer.</param>
/// <param name="Warnings">What the reader could not use, and why.</param>
public sealed record BuildPlan(
    IReadOnlyList<PlannedPackage> Packages,
    IReadOnlyList<string> Binaries,
    IReadOnlyList<string> Blockers,
    IReadOnlyList<string> Dropped,
    bool HasTree,
    int? Total,
    IReadOnlyList<string> Warnings);

namespace BuildSwarm.Core.Planning;

/// <summary>
/// Turns emerge's merge list into a build graph. With <c>--tree</c>, a line indented deeper than the
/// line above it is a dependency of the nearest shallower line above; edges through packages the plan
/// does not build (nomerge, binary, already published) are passed through to what those need.
/// </summary>
public static class BuildPlanner
{
    public static BuildPlan Plan(MergeList list)
    {
        var warnings = new List<string>(list.Warnings);
        var entries = list.Entries;
        var packages = entries.Where(e => e.Kind != MergeKind.Blocker).ToList();
        var hasTree = list.ReverseOrder == true || packages.Any(e => e.Depth > 0);
        if (!hasTree && packages.Count(e => e.Kind == MergeKind.Ebuild) > 1)
        {
            warnings.Add("the output has no --tree nesting, so dependency edges are unknown: run emerge with --tree");
        }

        // Merge order: with --tree emerge prints the list reversed (dependants above their dependencies).
        var merges = packages.Where(e => e.IsMerge).ToList();
        if (list.ReverseOrder ?? hasTree)
        {
            merges.Reverse();
        }

        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in merges)
        {
            order.TryAdd(entry.Cpv, order.Count);
        }

        var built = merges.Where(e => e.Kind == MergeKind.Ebuild).GroupBy(e => e.Cpv, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var direct = TreeEdges(packages);
        var plan = new List<PlannedPackage>();
        foreach (var entry in merges.Where(e => e.Kind == MergeKind.Ebuild && ReferenceEquals(built[e.Cpv], e)))
        {
            var deps = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var dep in Reach(entry.Cpv, direct, built.ContainsKey))
            {
                if (order[dep] < order[entry.Cpv])
                {
                    deps.Add(dep);
                }
                else
                {
                    warnings.Add($"dropped the edge {entry.Cpv} -> {dep}: emerge merges {dep} later, so it cannot be a build dependency");
                }
            }

            plan.Add(new PlannedPackage(entry.Cpv, deps.ToList(), entry.EnabledUse, entry.Variables));
        }

        var binaries = merges.Where(e => e.Kind == MergeKind.Binary).Select(e => e.Cpv).Distinct(StringComparer.Ordinal).ToList();
        var blockers = entries.Where(e => e.Kind == MergeKind.Blocker).Select(e => e.Text).ToList();
        if (list.Total is { } total && total != merges.Count)
        {
            warnings.Add($"emerge counted {total} packages but the list has {merges.Count} merge lines");
        }

        return new BuildPlan(plan, binaries, blockers, [], hasTree, list.Total, warnings);
    }

    /// <summary>Leaves out packages the binhost already has; their dependants inherit their dependencies.</summary>
    public static BuildPlan WithoutPublished(BuildPlan plan, IReadOnlySet<string> published)
    {
        var edges = plan.Packages.ToDictionary(p => p.Cpv, p => (IReadOnlyList<string>)p.Deps, StringComparer.Ordinal);
        bool Keep(string cpv) => edges.ContainsKey(cpv) && !published.Contains(cpv);
        var kept = plan.Packages.Where(p => Keep(p.Cpv))
            .Select(p => p with { Deps = Reach(p.Cpv, edges, Keep).Order(StringComparer.Ordinal).ToList() })
            .ToList();
        var dropped = plan.Packages.Where(p => !Keep(p.Cpv)).Select(p => p.Cpv).ToList();
        return plan with { Packages = kept, Dropped = [.. plan.Dropped, .. dropped] };
    }

    /// <summary>Parent → children by indentation: each line hangs below the nearest shallower line above it.</summary>
    private static Dictionary<string, IReadOnlyList<string>> TreeEdges(IReadOnlyList<MergeListEntry> lines)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var stack = new Stack<MergeListEntry>();
        foreach (var line in lines)
        {
            while (stack.Count > 0 && stack.Peek().Depth >= line.Depth)
            {
                stack.Pop();
            }

            if (stack.Count > 0 && stack.Peek().Cpv != line.Cpv)
            {
                (edges.TryGetValue(stack.Peek().Cpv, out var children) ? children : edges[stack.Peek().Cpv] = []).Add(line.Cpv);
            }

            stack.Push(line);
        }

        return edges.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal);
    }

    /// <summary>The nearest packages below <paramref name="from"/> that pass <paramref name="keep"/>, looking through the others.</summary>
    private static HashSet<string> Reach(string from, IReadOnlyDictionary<string, IReadOnlyList<string>> edges, Func<string, bool> keep)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var pending = new Stack<string>(edges.GetValueOrDefault(from) ?? []);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            if (keep(next))
            {
                found.Add(next);
                continue;
            }

            foreach (var below in edges.GetValueOrDefault(next) ?? [])
            {
                pending.Push(below);
            }
        }

        return found;
    }
}

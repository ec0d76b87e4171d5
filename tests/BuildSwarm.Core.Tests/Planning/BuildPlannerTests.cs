using BuildSwarm.Core.Planning;

namespace BuildSwarm.Core.Tests.Planning;

public sealed class BuildPlannerTests
{
    private static BuildPlan Plan(string name) =>
        BuildPlanner.Plan(EmergeOutputParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Planning", "Fixtures", name))));

    [Fact]
    public void A_deeper_line_depends_on_the_nearest_shallower_line_above_and_packages_come_in_merge_order()
    {
        var plan = Plan("emptytree-tree.txt");

        Assert.True(plan.HasTree);
        Assert.Empty(plan.Warnings);
        // "in reverse order": the bottom line merges first.
        Assert.Equal(
            ["app-misc/hello-2.12.1_p1", "sys-libs/zlib-1.3.1-r1", "dev-libs/openssl-3.3.2-r1", "net-misc/curl-8.11.0", "dev-libs/libpcre2-10.44-r1", "dev-vcs/git-2.47.1"],
            plan.Packages.Select(p => p.Cpv));
        var deps = plan.Packages.ToDictionary(p => p.Cpv, p => p.Deps);
        Assert.Equal(["dev-libs/libpcre2-10.44-r1", "net-misc/curl-8.11.0"], deps["dev-vcs/git-2.47.1"]);
        Assert.Equal(["dev-libs/openssl-3.3.2-r1"], deps["net-misc/curl-8.11.0"]);
        Assert.Equal(["sys-libs/zlib-1.3.1-r1"], deps["dev-libs/openssl-3.3.2-r1"]);
        Assert.Empty(deps["sys-libs/zlib-1.3.1-r1"]);
        Assert.Empty(deps["app-misc/hello-2.12.1_p1"]);
    }

    [Fact]
    public void Binaries_and_nomerge_lines_are_not_built_and_blockers_are_reported()
    {
        var plan = Plan("update-tree.txt");

        Assert.Equal(["dev-libs/gmp-6.3.0-r1", "dev-libs/mpfr-4.2.1", "sys-devel/gcc-14.2.1_p20241116", "app-editors/vim-core-9.1.0866"], plan.Packages.Select(p => p.Cpv));
        Assert.Equal(["dev-libs/libsodium-1.0.20-r1"], plan.Binaries);
        Assert.Contains("is blocking app-editors/vim-9.1.0866", Assert.Single(plan.Blockers), StringComparison.Ordinal);
        var deps = plan.Packages.ToDictionary(p => p.Cpv, p => p.Deps);
        Assert.Equal(["dev-libs/mpfr-4.2.1"], deps["sys-devel/gcc-14.2.1_p20241116"]);
        Assert.Equal(["dev-libs/gmp-6.3.0-r1"], deps["dev-libs/mpfr-4.2.1"]);
        Assert.Empty(deps["app-editors/vim-core-9.1.0866"]); // its parent vim is not merged; libsodium is a binary
    }

    [Fact]
    public void Dropping_published_packages_passes_their_dependencies_on_to_their_dependants()
    {
        var plan = Plan("emptytree-tree.txt");

        var trimmed = BuildPlanner.WithoutPublished(plan, new HashSet<string>(StringComparer.Ordinal) { "dev-libs/openssl-3.3.2-r1", "app-misc/hello-2.12.1_p1" });

        Assert.Equal(["dev-libs/openssl-3.3.2-r1", "app-misc/hello-2.12.1_p1"], trimmed.Dropped.Order(StringComparer.Ordinal).Reverse());
        Assert.DoesNotContain(trimmed.Packages, p => p.Cpv == "dev-libs/openssl-3.3.2-r1");
        Assert.Equal(["sys-libs/zlib-1.3.1-r1"], trimmed.Packages.Single(p => p.Cpv == "net-misc/curl-8.11.0").Deps);
    }

    [Fact]
    public void Without_tree_nesting_the_plan_says_edges_are_unknown()
    {
        var text = """

            These are the packages that would be merged, in order:

            Calculating dependencies... done!
            [ebuild  N     ] sys-libs/zlib-1.3.1-r1:0/1::gentoo  USE="-minizip -static-libs -verify-sig" 1,558 KiB
            [ebuild  N     ] dev-libs/openssl-3.3.2-r1:0/3::gentoo  USE="asm -static-libs" 17,633 KiB

            Total: 2 packages (2 new), Size of downloads: 19,191 KiB
            """;

        var plan = BuildPlanner.Plan(EmergeOutputParser.Parse(text));

        Assert.False(plan.HasTree);
        Assert.Equal(["sys-libs/zlib-1.3.1-r1", "dev-libs/openssl-3.3.2-r1"], plan.Packages.Select(p => p.Cpv));
        Assert.All(plan.Packages, p => Assert.Empty(p.Deps));
        Assert.Contains(plan.Warnings, w => w.Contains("--tree", StringComparison.Ordinal));
    }

    [Fact]
    public void An_edge_against_the_merge_order_is_dropped_with_a_warning()
    {
        // Tree says b needs a, but emerge merges a after b (the bottom line merges first): not a build dependency.
        var text = """
            These are the packages that would be merged, in reverse order:

            [ebuild  N     ] app-misc/a-1::gentoo  0 KiB
            [ebuild  N     ] app-misc/b-1::gentoo  0 KiB
            [nomerge       ]  app-misc/a-1::gentoo 
            """;

        var plan = BuildPlanner.Plan(EmergeOutputParser.Parse(text));

        Assert.All(plan.Packages, p => Assert.Empty(p.Deps));
        Assert.Contains(plan.Warnings, w => w.Contains("app-misc/b-1 -> app-misc/a-1", StringComparison.Ordinal));
    }
}

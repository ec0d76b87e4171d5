using BuildSwarm.Core.Planning;

namespace BuildSwarm.Core.Tests.Planning;

public sealed class EmergeOutputParserTests
{
    private static MergeList Fixture(string name) =>
        EmergeOutputParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Planning", "Fixtures", name)));

    [Fact]
    public void Reads_every_line_of_an_emptytree_tree_listing_with_depth_slot_repository_and_use()
    {
        var list = Fixture("emptytree-tree.txt");

        Assert.True(list.ReverseOrder);
        Assert.Equal(6, list.Total);
        Assert.Empty(list.Warnings);
        Assert.Equal(
            ["dev-vcs/git-2.47.1", "dev-libs/libpcre2-10.44-r1", "net-misc/curl-8.11.0", "dev-libs/openssl-3.3.2-r1", "sys-libs/zlib-1.3.1-r1", "app-misc/hello-2.12.1_p1"],
            list.Entries.Select(e => e.Cpv));
        Assert.Equal([0, 1, 1, 2, 3, 0], list.Entries.Select(e => e.Depth));
        Assert.All(list.Entries, e => Assert.Equal(MergeKind.Ebuild, e.Kind));
        Assert.Equal(["R", "N", "R", "R", "R", "N~"], list.Entries.Select(e => e.Flags));

        var zlib = list.Entries[4];
        Assert.Equal("0/1", zlib.Slot);
        Assert.Equal("gentoo", zlib.Repository);
        Assert.Equal("-minizip -static-libs -verify-sig", zlib.Variables["USE"]);
        Assert.Empty(zlib.EnabledUse);

        var openssl = list.Entries[3];
        Assert.Equal(["asm"], openssl.EnabledUse); // {-test} is a disabled test flag, not enabled
        Assert.Equal("sse2", openssl.Variables["CPU_FLAGS_X86"]);

        var curl = list.Entries[2];
        Assert.Contains("ssl", curl.EnabledUse);
        Assert.DoesNotContain("ipv6", curl.EnabledUse); // "-ipv6*": disabled now, changed since the last build
        Assert.Equal("openssl -gnutls -mbedtls -rustls", curl.Variables["CURL_SSL"]);
    }

    [Fact]
    public void Reads_upgrades_new_slots_binaries_with_build_ids_nomerge_lines_and_blockers()
    {
        var list = Fixture("update-tree.txt");

        Assert.Empty(list.Warnings);
        var vim = list.Entries[0];
        Assert.Equal((MergeKind.Nomerge, "app-editors/vim-9.1.0866", 0), (vim.Kind, vim.Cpv, vim.Depth));

        var vimCore = list.Entries[1];
        Assert.Equal((MergeKind.Ebuild, "U", "9.1.0794::gentoo"), (vimCore.Kind, vimCore.Flags, vimCore.Installed));

        var blocker = list.Entries[2];
        Assert.Equal((MergeKind.Blocker, "b", "<app-editors/vim-core-9.1.0866"), (blocker.Kind, blocker.Flags, blocker.Cpv));

        var sodium = list.Entries[3];
        Assert.Equal((MergeKind.Binary, "dev-libs/libsodium-1.0.20-r1", "2", "0/26"), (sodium.Kind, sodium.Cpv, sodium.BuildId, sodium.Slot));

        var gcc = list.Entries[4];
        Assert.Equal(("NS", "14", "13.3.1_p20241025:13::gentoo"), (gcc.Flags, gcc.Slot, gcc.Installed));
        Assert.Contains("openmp", gcc.EnabledUse);
        Assert.Contains("multilib", gcc.EnabledUse); // "(multilib)": forced on by the profile
        Assert.DoesNotContain("ada", gcc.EnabledUse);
        Assert.Equal(5, list.Total);
    }

    [Fact]
    public void Reads_the_columns_layout_where_name_and_version_are_apart()
    {
        var list = Fixture("columns-tree.txt");

        Assert.Empty(list.Warnings);
        Assert.Equal(["net-misc/curl-8.11.0", "dev-libs/openssl-3.3.2-r1", "sys-libs/zlib-1.3.1-r1"], list.Entries.Select(e => e.Cpv));
        Assert.Equal([0, 1, 2], list.Entries.Select(e => e.Depth));
        Assert.Equal("0/3", list.Entries[1].Slot);
        Assert.Equal("1.3.1:0/1::gentoo", list.Entries[2].Installed);
        Assert.Equal("-minizip -static-libs", list.Entries[2].Variables["USE"]);
    }

    [Fact]
    public void Ignores_colour_codes_and_reports_lines_it_cannot_read()
    {
        var text = "\u001b[32;01m[ebuild  N     ]\u001b[0m \u001b[32;01mapp-misc/hello-1.0::gentoo\u001b[0m  0 KiB\n"
            + "[ebuild  N     ] not-a-package  0 KiB\n";

        var list = EmergeOutputParser.Parse(text);

        Assert.Equal("app-misc/hello-1.0", Assert.Single(list.Entries).Cpv);
        Assert.Contains("not-a-package", Assert.Single(list.Warnings), StringComparison.Ordinal);
        Assert.Null(list.ReverseOrder);
    }
}

using BuildSwarm.Core.Portage;
using BuildSwarm.Hosting.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class PackagesIndexEntryTests
{
    private static readonly PackageFileFacts File = new("app-misc/hello/hello-1.0-r1-3.gpkg.tar", 4096, "md5hex", "sha1hex", 1_700_000_000);

    [Fact]
    public void Metadata_keys_map_to_index_keys_with_file_facts()
    {
        var metadata = SampleGpkg.Metadata(buildId: "3");
        metadata["RDEPEND"] = "  >=dev-libs/a-1\n\tdev-libs/b  ";
        metadata["HOMEPAGE"] = "https://example.org";

        var entry = PackagesIndexEntry.Create(metadata, File);

        Assert.Equal("app-misc/hello-1.0-r1", entry["CPV"]);
        Assert.Equal("gentoo", entry["REPO"]);
        Assert.Equal("A friendly greeting", entry["DESC"]);
        Assert.Equal(">=dev-libs/a-1 dev-libs/b", entry["RDEPEND"]);
        Assert.Equal("3", entry["BUILD_ID"]);
        Assert.Equal("1700000000", entry["BUILD_TIME"]);
        Assert.Equal("app-misc/hello/hello-1.0-r1-3.gpkg.tar", entry["PATH"]);
        Assert.Equal("4096", entry["SIZE"]);
        Assert.Equal("md5hex", entry["MD5"]);
        Assert.Equal("sha1hex", entry["SHA1"]);
        Assert.Equal("1700000000", entry["MTIME"]);
        Assert.DoesNotContain("HOMEPAGE", entry.Keys);
        Assert.DoesNotContain("CATEGORY", entry.Keys);
        Assert.DoesNotContain("repository", entry.Keys);
    }

    [Fact]
    public void Build_id_given_by_the_binhost_wins()
    {
        var entry = PackagesIndexEntry.Create(SampleGpkg.Metadata(buildId: "3"), File, buildId: 9);

        Assert.Equal("9", entry["BUILD_ID"]);
    }

    [Fact]
    public void Metadata_without_category_is_refused() =>
        Assert.Equal(
            "package metadata lacks CATEGORY",
            Assert.Throws<InvalidPackageException>(() => PackagesIndexEntry.Create(new Dictionary<string, string> { ["PF"] = "hello-1.0" }, File)).Message);

    [Fact]
    public async Task File_facts_hash_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "app-misc"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(dir.Path, "app-misc/hello-1.0.gpkg.tar"), "abc", ct);
        System.IO.File.SetLastWriteTimeUtc(Path.Combine(dir.Path, "app-misc/hello-1.0.gpkg.tar"), DateTime.UnixEpoch.AddSeconds(1_600_000_000));

        var facts = await PackageFiles.FactsAsync(dir.Path, "app-misc/hello-1.0.gpkg.tar", ct);

        Assert.Equal(new PackageFileFacts("app-misc/hello-1.0.gpkg.tar", 3, "900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d", 1_600_000_000), facts);
    }

    [Fact]
    public void Entry_written_to_an_index_drops_defaults()
    {
        var metadata = SampleGpkg.Metadata();
        metadata["SLOT"] = "0";
        metadata["EAPI"] = "0";

        var text = PackagesIndex.Write(new Dictionary<string, string> { ["REPO"] = "gentoo" }, [PackagesIndexEntry.Create(metadata, File)], DateTimeOffset.UnixEpoch);

        var block = text.Split("\n\n")[1];
        Assert.DoesNotContain("SLOT:", block, StringComparison.Ordinal);
        Assert.DoesNotContain("EAPI:", block, StringComparison.Ordinal);
        Assert.DoesNotContain("REPO:", block, StringComparison.Ordinal);
        Assert.Contains("KEYWORDS: amd64 ~arm64\n", block, StringComparison.Ordinal);
    }
}

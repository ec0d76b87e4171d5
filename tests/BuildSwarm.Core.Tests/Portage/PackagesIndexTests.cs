using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class PackagesIndexTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_123);

    private static Dictionary<string, string> Header() => new(StringComparer.Ordinal)
    {
        ["ARCH"] = "amd64",
        ["CHOST"] = "x86_64-pc-linux-gnu",
        ["URI"] = "https://binhost.example/amd64",
    };

    private static Dictionary<string, string> Package(string cpv, string? buildId = null) => new(StringComparer.Ordinal)
    {
        ["CPV"] = cpv,
        ["BUILD_ID"] = buildId ?? "",
        ["DESC"] = "Some package",
        ["EAPI"] = "8",
        ["KEYWORDS"] = "amd64",
        ["MD5"] = "d41d8cd98f00b204e9800998ecf8427e",
        ["MTIME"] = "1700000000",
        ["PATH"] = $"{cpv}.gpkg.tar",
        ["REPO"] = "gentoo",
        ["SHA1"] = "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        ["SIZE"] = "1234",
        ["SLOT"] = "0/1",
    };

    [Fact]
    public void Header_gets_version_timestamp_and_package_count()
    {
        var text = PackagesIndex.Write(Header(), [Package("app-misc/a-1"), Package("app-misc/b-1")], Now);

        var (header, _) = PackagesIndex.Read(text);
        Assert.Equal("0", header["VERSION"]);
        Assert.Equal("1700000123", header["TIMESTAMP"]);
        Assert.Equal("2", header["PACKAGES"]);
        Assert.StartsWith("ARCH: amd64\nCHOST: x86_64-pc-linux-gnu\nPACKAGES: 2\nTIMESTAMP: 1700000123\nURI: https://binhost.example/amd64\nVERSION: 0\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamp_given_in_the_header_is_kept_by_the_two_argument_overload()
    {
        var header = Header();
        header["TIMESTAMP"] = "1600000000";

        var (read, _) = PackagesIndex.Read(PackagesIndex.Write(header, []));

        Assert.Equal("1600000000", read["TIMESTAMP"]);
        Assert.Equal("0", read["PACKAGES"]);
    }

    [Fact]
    public void Package_keys_are_sorted_like_portage_with_mtime_and_repo_last()
    {
        var header = Header();
        header.Remove("CHOST");
        var package = Package("app-misc/hello-1.0", "2");
        package["CHOST"] = "aarch64-unknown-linux-gnu";

        var block = PackagesIndex.Write(header, [package], Now).Split("\n\n")[1];

        Assert.Equal(
            ["BUILD_ID", "CHOST", "CPV", "DESC", "EAPI", "KEYWORDS", "MD5", "PATH", "SHA1", "SIZE", "SLOT", "MTIME", "REPO"],
            block.Split('\n').Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Packages_are_sorted_by_cpv_then_build_id()
    {
        var text = PackagesIndex.Write(
            Header(),
            [Package("dev-libs/zlib-1.3", "2"), Package("app-misc/hello-1.0"), Package("dev-libs/zlib-1.3", "1"), Package("dev-libs/openssl-3.0")],
            Now);

        var (_, packages) = PackagesIndex.Read(text);
        Assert.Equal(
            ["app-misc/hello-1.0", "dev-libs/openssl-3.0", "dev-libs/zlib-1.3", "dev-libs/zlib-1.3"],
            packages.Select(p => p["CPV"]));
        Assert.Equal(["1", "2"], packages.Skip(2).Select(p => p["BUILD_ID"]));
    }

    [Fact]
    public void Defaults_empty_values_and_inherited_values_are_left_out()
    {
        var header = Header();
        header["REPO"] = "gentoo";
        var package = Package("app-misc/hello-1.0");
        package["EAPI"] = "0";
        package["SLOT"] = "0";
        package["USE"] = "";
        package["CHOST"] = "x86_64-pc-linux-gnu";

        var (_, packages) = PackagesIndex.Read(PackagesIndex.Write(header, [package], Now));

        var written = packages.Single();
        Assert.DoesNotContain("EAPI", written.Keys);
        Assert.DoesNotContain("SLOT", written.Keys);
        Assert.DoesNotContain("USE", written.Keys);
        Assert.DoesNotContain("BUILD_ID", written.Keys);
        Assert.DoesNotContain("CHOST", written.Keys);
        Assert.DoesNotContain("REPO", written.Keys);
    }

    [Fact]
    public void Keys_a_client_drops_are_not_written_and_portage_names_are_translated()
    {
        var package = Package("app-misc/hello-1.0");
        package.Remove("DESC");
        package.Remove("REPO");
        package["DESCRIPTION"] = "Described";
        package["repository"] = "guru";
        package["CATEGORY"] = "app-misc";
        package["HOMEPAGE"] = "https://example.org";

        var written = PackagesIndex.Read(PackagesIndex.Write(Header(), [package], Now)).Packages.Single();

        Assert.Equal("Described", written["DESC"]);
        Assert.Equal("guru", written["REPO"]);
        Assert.DoesNotContain("CATEGORY", written.Keys);
        Assert.DoesNotContain("HOMEPAGE", written.Keys);
        Assert.DoesNotContain("DESCRIPTION", written.Keys);
    }

    [Fact]
    public void Read_of_write_round_trips()
    {
        var header = Header();
        header["TIMESTAMP"] = "1700000123";
        var packages = new[] { Package("app-misc/hello-1.0", "1"), Package("dev-libs/foo-bar-1.0_rc1-r2", "7") };
        packages[1]["RDEPEND"] = ">=dev-libs/openssl-3:0= virtual/libc";
        packages[1]["USE"] = "amd64 ssl";

        var (readHeader, readPackages) = PackagesIndex.Read(PackagesIndex.Write(header, packages));

        header["PACKAGES"] = "2";
        header["VERSION"] = "0";
        Assert.Equal(header.OrderBy(kv => kv.Key), readHeader.OrderBy(kv => kv.Key));
        Assert.Equal(packages.Select(p => p.OrderBy(kv => kv.Key)), readPackages.Select(p => p.OrderBy(kv => kv.Key)));
    }

    [Fact]
    public void Client_view_restores_defaults_and_inherited_keys()
    {
        var header = Header();
        var package = Package("app-misc/hello-1.0");
        package["SLOT"] = "0";
        package.Remove("EAPI");

        var (_, packages) = PackagesIndex.ReadAsClient(PackagesIndex.Write(header, [package], Now));

        var seen = packages.Single();
        Assert.Equal("0", seen["SLOT"]);
        Assert.Equal("0", seen["EAPI"]);
        Assert.Equal("", seen["USE"]);
        Assert.Equal("x86_64-pc-linux-gnu", seen["CHOST"]);
    }

    [Fact]
    public void Multi_line_values_are_joined()
    {
        var package = Package("app-misc/hello-1.0");
        package["RDEPEND"] = "dev-libs/a\n\tdev-libs/b";

        var written = PackagesIndex.Read(PackagesIndex.Write(Header(), [package], Now)).Packages.Single();

        Assert.Equal("dev-libs/a \tdev-libs/b", written["RDEPEND"]);
    }
}

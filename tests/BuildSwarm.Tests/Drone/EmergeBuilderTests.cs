using BuildSwarm.Core.Planning;
using BuildSwarm.Core.Portage;
using BuildSwarm.Drone.Builders;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Drone;

public sealed class EmergeBuilderTests
{
    private static readonly Cpv Zlib = Cpv.Parse("sys-libs/zlib-1.3.1-r1");

    [Fact]
    public void The_config_root_carries_the_targets_make_conf_binhost_package_use_and_keywords()
    {
        using var dir = new TempDir();
        var settings = new TargetSettings
        {
            Profile = "default/linux/arm64/23.0",
            Chost = "aarch64-unknown-linux-gnu",
            Cflags = "-O2 -pipe -mcpu=cortex-a72",
            Use = "-doc ipv6",
            Features = "-ipc-sandbox",
            AcceptKeywords = "arm64",
            PackageUse = ["dev-vcs/git -perl"],
            PackageAcceptKeywords = ["app-misc/hello ~arm64"],
            MakeConf = { ["L10N"] = "en" },
        };

        var root = PortageConfigRoot.Write(dir.Path, "arm64", settings, PortageConfigRoot.BinhostUrl("http://gw:8090/", "arm64", settings), makeJobs: 6, "/srv/gentoo");

        var makeConf = File.ReadAllLines(Path.Combine(root.PortageDir, "make.conf"));
        Assert.Contains("CHOST=\"aarch64-unknown-linux-gnu\"", makeConf);
        Assert.Contains("CFLAGS=\"-O2 -pipe -mcpu=cortex-a72\"", makeConf);
        Assert.Contains("CXXFLAGS=\"-O2 -pipe -mcpu=cortex-a72\"", makeConf);
        Assert.Contains("MAKEOPTS=\"-j6\"", makeConf);
        Assert.Contains("USE=\"-doc ipv6\"", makeConf);
        Assert.Contains("ACCEPT_KEYWORDS=\"arm64\"", makeConf);
        Assert.Contains("FEATURES=\"binpkg-multi-instance -ipc-sandbox\"", makeConf);
        Assert.Contains("BINPKG_FORMAT=\"gpkg\"", makeConf);
        Assert.Contains($"PKGDIR=\"{root.PackageDir}\"", makeConf);
        Assert.Contains("L10N=\"en\"", makeConf);
        Assert.Equal("[buildswarm-arm64]\npriority = 9999\nsync-uri = http://gw:8090/binhost/arm64\nverify-signature = false\n",
            File.ReadAllText(Path.Combine(root.PortageDir, "binrepos.conf")));
        Assert.Equal("dev-vcs/git -perl\n", File.ReadAllText(Path.Combine(root.PortageDir, "package.use", "buildswarm")));
        Assert.Equal("app-misc/hello ~arm64\n", File.ReadAllText(Path.Combine(root.PortageDir, "package.accept_keywords", "buildswarm")));
        Assert.Contains("location = /srv/gentoo", File.ReadAllText(Path.Combine(root.PortageDir, "repos.conf", "gentoo.conf")), StringComparison.Ordinal);
        Assert.Equal("/srv/gentoo/profiles/default/linux/arm64/23.0", new FileInfo(Path.Combine(root.PortageDir, "make.profile")).LinkTarget);
    }

    [Fact]
    public void The_default_target_uses_the_gateways_binhost_root_unless_the_target_names_its_own()
    {
        Assert.Equal("http://gw/binhost", PortageConfigRoot.BinhostUrl("http://gw/", "default", new TargetSettings()));
        Assert.Equal("https://cache.example/amd64", PortageConfigRoot.BinhostUrl("http://gw", "default", new TargetSettings { BinhostUrl = "https://cache.example/amd64/" }));
        Assert.Equal("http://gw/binhost/x", PortageConfigRoot.BinhostUrl("http://gw", "default", new TargetSettings { BinhostUrl = "{gateway}/binhost/x" }));
    }

    [Fact]
    public void Emerge_fetches_dependencies_as_binaries_but_compiles_and_packs_the_package_itself()
    {
        Assert.Equal(
            ["--oneshot", "--usepkg", "--getbinpkg", "--buildpkg", "--usepkg-exclude=sys-libs/zlib", "--ignore-default-opts", "--color=n", "--nospinner", "=sys-libs/zlib-1.3.1-r1"],
            EmergeBuilder.Arguments(Zlib));
    }

    [Fact]
    public void The_pretend_run_must_compile_only_the_package_itself()
    {
        const string Good = "[binary  N     ] dev-libs/a-1-3::gentoo  0 KiB\n[ebuild  N     ] sys-libs/zlib-1.3.1-r1::gentoo  0 KiB\n";
        const string CompilesDep = "[ebuild  N     ] dev-libs/a-1::gentoo  0 KiB\n[ebuild  N     ] sys-libs/zlib-1.3.1-r1::gentoo  0 KiB\n";
        const string TakesBinary = "[binary  N     ] sys-libs/zlib-1.3.1-r1-1::gentoo  0 KiB\n";

        Assert.Null(EmergeBuilder.PretendProblem(Zlib, EmergeOutputParser.Parse(Good)));
        Assert.Contains("would compile dev-libs/a-1 on this drone", EmergeBuilder.PretendProblem(Zlib, EmergeOutputParser.Parse(CompilesDep)), StringComparison.Ordinal);
        Assert.Contains("would not build =sys-libs/zlib-1.3.1-r1 from source", EmergeBuilder.PretendProblem(Zlib, EmergeOutputParser.Parse(TakesBinary)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_package_is_picked_from_pkgdir_among_fetched_dependencies_and_older_instances()
    {
        using var dir = new TempDir();
        var zlibDir = Directory.CreateDirectory(Path.Combine(dir.Path, "sys-libs", "zlib")).FullName;
        Directory.CreateDirectory(Path.Combine(dir.Path, "dev-libs", "a"));
        File.WriteAllText(Path.Combine(dir.Path, "dev-libs", "a", "a-1-1.gpkg.tar"), "dep");
        File.WriteAllText(Path.Combine(zlibDir, "zlib-1.3.1-1.gpkg.tar"), "other version");
        File.WriteAllText(Path.Combine(zlibDir, "zlib-1.3.1-r1-1.gpkg.tar"), "old");
        File.SetLastWriteTimeUtc(Path.Combine(zlibDir, "zlib-1.3.1-r1-1.gpkg.tar"), DateTime.UtcNow.AddMinutes(-5));
        File.WriteAllText(Path.Combine(zlibDir, "zlib-1.3.1-r1-2.gpkg.tar"), "new");

        Assert.Equal(Path.Combine(zlibDir, "zlib-1.3.1-r1-2.gpkg.tar"), EmergeBuilder.FindPackage(dir.Path, Zlib));
        Assert.Null(EmergeBuilder.FindPackage(dir.Path, Cpv.Parse("sys-libs/zlib-1.3")));
    }
}

using System.Diagnostics;
using System.Xml.Linq;
using BuildSwarm.Tests.Docs;
using BuildSwarm.Tests.Infrastructure;
using BuildSwarm.Tests.Infrastructure.Portage;

namespace BuildSwarm.Tests.EndToEnd;

/// <summary>deploy/gentoo's ebuild for build-swarm, checked by the vendored, unmodified Portage: manifest and metadata.</summary>
public sealed class EbuildTests
{
    [Fact]
    public async Task Portage_makes_the_manifest_of_the_build_swarm_ebuild_and_reads_its_metadata()
    {
        using var dir = new TempDir();
        var repo = dir.Sub("repo");
        Write(repo, "profiles/repo_name", "buildswarm");
        Write(repo, "profiles/categories", "dev-util");
        Write(repo, "licenses/all-rights-reserved", "all rights reserved");
        Write(repo, "metadata/layout.conf", "masters =\nthin-manifests = true\n");
        Write(repo, "profiles/base/make.defaults", "ARCH=\"amd64\"\nACCEPT_KEYWORDS=\"amd64 ~amd64\"\nELIBC=\"glibc\"\nKERNEL=\"linux\"\nCHOST=\"x86_64-pc-linux-gnu\"\n");
        var eprefix = dir.Sub("eprefix");
        Directory.CreateDirectory(Path.Combine(eprefix, "etc/portage"));
        File.CreateSymbolicLink(Path.Combine(eprefix, "etc/portage/make.profile"), Path.Combine(repo, "profiles/base"));
        var package = Path.Combine(repo, "dev-util/build-swarm");
        Directory.CreateDirectory(package);
        foreach (var file in Directory.GetFiles(Path.Combine(ApiDocRoutes.RepoRoot(), "deploy/gentoo/dev-util/build-swarm")))
        {
            File.Copy(file, Path.Combine(package, Path.GetFileName(file)));
        }

        var ebuild = Assert.Single(Directory.GetFiles(package, "*.ebuild"));
        var version = Path.GetFileNameWithoutExtension(ebuild)["build-swarm-".Length..];
        Assert.Equal("pkgmetadata", XDocument.Load(Path.Combine(package, "metadata.xml")).Root!.Name.LocalName);

        // The release tarball SRC_URI names: the CLI and deploy/ under build-swarm-<version>/.
        var distfiles = dir.Sub("distfiles");
        var tree = Path.Combine(dir.Sub("src"), $"build-swarm-{version}");
        Directory.CreateDirectory(tree);
        Write(tree, "build-swarm", "#!/bin/sh\necho " + version + "\n");
        Assert.Equal(0, (await RunAsync("tar", ["-C", Path.GetDirectoryName(tree)!, "-czf", Path.Combine(distfiles, $"build-swarm-{version}-linux-x64.tar.gz"), Path.GetFileName(tree)], [])).Code);

        var portage = await VendoredPortage.TreeAsync();
        var environment = new Dictionary<string, string>
        {
            ["PYTHONPATH"] = Path.Combine(portage, "lib"),
            ["PORTAGE_OVERRIDE_EPREFIX"] = eprefix,
            ["DISTDIR"] = distfiles,
            ["PORTAGE_TMPDIR"] = dir.Sub("tmp"),
            ["FEATURES"] = "-sandbox -usersandbox",
            ["PORTAGE_REPOSITORIES"] = $"[DEFAULT]\nmain-repo = buildswarm\n[buildswarm]\nlocation = {repo}\n",
        };
        var (code, output) = await RunAsync("python3", [Path.Combine(portage, "bin/ebuild"), ebuild, "manifest"], environment);
        Assert.True(code == 0, output);
        var manifest = await File.ReadAllTextAsync(Path.Combine(package, "Manifest"));
        Assert.StartsWith($"DIST build-swarm-{version}-linux-x64.tar.gz ", manifest, StringComparison.Ordinal);
        Assert.Contains(" BLAKE2B ", manifest, StringComparison.Ordinal);

        // Portage's metadata: the ebuild sources cleanly in the depend phase and says what it is.
        const string program = """
            import portage, sys
            db = portage.db[portage.root]["porttree"].dbapi
            cpv = db.cp_list("dev-util/build-swarm")[0]
            print("aux_get|" + "|".join(db.aux_get(cpv, ["EAPI", "SLOT", "KEYWORDS", "LICENSE", "SRC_URI", "DESCRIPTION"])))
            """;
        var (metaCode, meta) = await RunAsync("python3", ["-c", program], environment);
        Assert.True(metaCode == 0, meta);
        var fields = meta.Split('\n').Single(l => l.StartsWith("aux_get|", StringComparison.Ordinal)).Split('|')[1..];
        Assert.Equal(("8", "0", "~amd64", "all-rights-reserved"), (fields[0], fields[1], fields[2], fields[3]));
        Assert.EndsWith($"v{version}/build-swarm-{version}-linux-x64.tar.gz", fields[4], StringComparison.Ordinal);
        Assert.NotEmpty(fields[5]);
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (relative == "build-swarm")
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

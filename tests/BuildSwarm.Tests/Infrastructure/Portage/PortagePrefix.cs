using System.Text;

namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// One Portage prefix (EPREFIX) owned by the test user, the way Portage's own tests run it without root
/// (<c>lib/portage/tests/resolver/ResolverPlayground.py</c>): <c>etc/portage</c> (make.conf, make.profile,
/// repos.conf, optional binrepos.conf), an empty <c>var/db/pkg</c>, its own tmp, distfiles and PKGDIR.
/// </summary>
public sealed class PortagePrefix
{
    private PortagePrefix(PortagePlayground playground, string name, string root)
    {
        Playground = playground;
        Name = name;
        Root = root;
    }

    public string Name { get; }

    public PortagePlayground Playground { get; }

    /// <summary>EPREFIX.</summary>
    public string Root { get; }

    public string PortageDir => Path.Combine(Root, "etc", "portage");

    public string PackageDir => Path.Combine(Root, "var", "cache", "binpkgs");

    public string Vdb => Path.Combine(Root, "var", "db", "pkg");

    public string Bin(string program) => Path.Combine(Root, "usr", "bin", program);

    /// <summary>What an emerge child process needs (see <c>lib/portage/tests/emerge/test_binpkg_fetch.py</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PORTAGE_OVERRIDE_EPREFIX"] = Root,
        ["PYTHONPATH"] = Path.Combine(Playground.Tree, "lib"),
        ["PORTAGE_PYTHON"] = PortagePlayground.Python,
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["PORTAGE_USERNAME"] = Playground.User.Name,
        ["PORTAGE_GRPNAME"] = Playground.User.Name,
        ["PORTAGE_INST_UID"] = Playground.User.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PORTAGE_INST_GID"] = Playground.User.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Portage's bin/ first (emerge, ebuild helpers), then the shims (python, gtar, no-op chown/chgrp), then the prefix's own programs (BDEPEND tools).
        ["PATH"] = $"{Path.Combine(Playground.Tree, "bin")}:{Path.Combine(Root, "shims")}:{Path.Combine(Root, "usr", "bin")}:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = Playground.User.Home,
        ["LANG"] = "C.UTF-8",
    };

    /// <summary>make.conf variables every prefix needs; the drones put them into each job's make.conf.</summary>
    public IReadOnlyDictionary<string, string> MakeConfVariables => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PORTAGE_TMPDIR"] = Path.Combine(Root, "var", "tmp"),
        ["DISTDIR"] = Path.Combine(Root, "var", "cache", "distfiles"),
        ["PORTAGE_USERNAME"] = Playground.User.Name,
        ["PORTAGE_GRPNAME"] = Playground.User.Name,
        ["PORTAGE_INST_UID"] = Playground.User.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PORTAGE_INST_GID"] = Playground.User.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CLEAN_DELAY"] = "0",
        ["EMERGE_WARNING_DELAY"] = "0",
    };

    /// <summary>
    /// FEATURES off in these prefixes. An unprivileged user on Debian has no sandbox binary and no namespaces; the rest
    /// only cost time on a busy 2-core test machine (each is a few more processes per merge): fsync of every merge, the
    /// strip/compress deferred to install time, preserve-libs and orphan/collision scans of a prefix that only tests use.
    /// </summary>
    public const string Features = "-sandbox -usersandbox -network-sandbox -ipc-sandbox -pid-sandbox -news -merge-sync -merge-wait "
        + "-binpkg-docompress -binpkg-dostrip -binpkg-logs -preserve-libs -unmerge-logs -unmerge-orphans -protect-owned -parallel-fetch";

    public static async Task<PortagePrefix> CreateAsync(PortagePlayground playground, string name, string root, string? makeConf = null, string? binreposConf = null)
    {
        var prefix = new PortagePrefix(playground, name, root);
        foreach (var dir in new[] { "var/db/pkg", "var/tmp", "var/cache/distfiles", "var/cache/binpkgs", "var/cache/edb", "var/lib/portage", "usr/bin", "shims" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        Directory.CreateDirectory(prefix.PortageDir);
        File.CreateSymbolicLink(Path.Combine(root, "shims", "gtar"), "/bin/tar");
        // Portage's bin/emerge starts with "#!/usr/bin/env python"; Debian has only python3.
        File.CreateSymbolicLink(Path.Combine(root, "shims", "python"), PortagePlayground.Python);
        // Files are installed as the test user (PORTAGE_INST_UID): chown/chgrp to anyone else would fail.
        File.CreateSymbolicLink(Path.Combine(root, "shims", "chown"), "/bin/true");
        File.CreateSymbolicLink(Path.Combine(root, "shims", "chgrp"), "/bin/true");
        var sets = Path.Combine(root, "usr", "share", "portage", "config", "sets");
        Directory.CreateDirectory(sets);
        File.CreateSymbolicLink(Path.Combine(sets, "portage.conf"), Path.Combine(playground.Tree, "cnf", "sets", "portage.conf"));
        await File.WriteAllTextAsync(Path.Combine(root, "var", "cache", "edb", "counter"), "100");

        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"FEATURES=\"{Features}\"\nPKGDIR=\"{prefix.PackageDir}\"\n");
        foreach (var (key, value) in prefix.MakeConfVariables)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{key}=\"{value}\"\n");
        }

        text.Append(makeConf);
        await File.WriteAllTextAsync(Path.Combine(prefix.PortageDir, "make.conf"), text.ToString());
        File.CreateSymbolicLink(Path.Combine(prefix.PortageDir, "make.profile"), Path.Combine(playground.Repo, "profiles", PortagePlayground.Profile));
        await File.WriteAllTextAsync(Path.Combine(prefix.PortageDir, "repos.conf"),
            $"[DEFAULT]\nmain-repo = gentoo\n\n[gentoo]\nlocation = {playground.Repo}\nauto-sync = no\n");
        if (binreposConf is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(prefix.PortageDir, "binrepos.conf"), binreposConf);
        }

        await playground.User.ChownAsync(root);
        return prefix;
    }

    /// <summary>Runs a Portage program (<c>emerge</c>, <c>egencache</c>, <c>portageq</c>...) of the vendored tree in this prefix, as the test user.</summary>
    public Task<(int Code, string Output)> RunAsync(string program, params string[] arguments) =>
        Playground.User.RunAsync(PortagePlayground.Python, [Path.Combine(Playground.Tree, "bin", program), .. arguments], Environment, Root);

    public async Task<string> EmergeOkAsync(params string[] arguments)
    {
        var (code, output) = await RunAsync("emerge", ["--color=n", "--nospinner", .. arguments]);
        Assert.True(code == 0, $"emerge {string.Join(' ', arguments)} in {Name} ({Root}) exited {code}:\n{output}");
        return output;
    }

    /// <summary>Runs an installed program of this prefix as the test user.</summary>
    public async Task<string> RunInstalledAsync(string program, params string[] arguments)
    {
        var (code, output) = await Playground.User.RunAsync(Bin(program), arguments, Environment, Root);
        Assert.True(code == 0, $"{program} exited {code}: {output}");
        return output;
    }
}

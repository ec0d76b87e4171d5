using System.Globalization;
using System.Text;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone.Builders;

/// <summary>
/// A job's own <c>PORTAGE_CONFIGROOT</c>: emerge reads <c>etc/portage/</c> below it instead of the host's, so
/// each job gets its target's make.conf, package.use, accept_keywords and binhost without touching the host.
/// </summary>
public sealed record PortageConfigRoot(string Root, string PackageDir)
{
    private const string HostProfile = "/etc/portage/make.profile";

    public string PortageDir => Path.Combine(Root, "etc", "portage");

    /// <summary>The binhost of a target: its <c>BinhostUrl</c>, else the gateway's binhost path for that target.</summary>
    public static string BinhostUrl(string gatewayUrl, string target, TargetSettings settings)
    {
        var gateway = gatewayUrl.TrimEnd('/');
        if (!string.IsNullOrWhiteSpace(settings.BinhostUrl))
        {
            return settings.BinhostUrl.Replace("{gateway}", gateway, StringComparison.Ordinal).TrimEnd('/');
        }

        // The gateway serves its default target at /binhost and other targets below /binhost/<target>.
        return target == "default" ? $"{gateway}/binhost" : $"{gateway}/binhost/{target}";
    }

    public static PortageConfigRoot Write(string jobRoot, string target, TargetSettings settings, string binhostUrl, int makeJobs, string repoPath)
    {
        var root = new PortageConfigRoot(Path.Combine(jobRoot, "config"), Path.Combine(jobRoot, "packages"));
        Directory.CreateDirectory(root.PortageDir);
        Directory.CreateDirectory(root.PackageDir);
        File.WriteAllText(Path.Combine(root.PortageDir, "make.conf"), MakeConf(settings, root.PackageDir, makeJobs));
        File.WriteAllText(Path.Combine(root.PortageDir, "binrepos.conf"), BinreposConf(target, binhostUrl, settings.VerifySignature));
        WriteLines(Path.Combine(root.PortageDir, "package.use", "buildswarm"), settings.PackageUse);
        WriteLines(Path.Combine(root.PortageDir, "package.accept_keywords", "buildswarm"), settings.PackageAcceptKeywords);
        Directory.CreateDirectory(Path.Combine(root.PortageDir, "repos.conf"));
        File.WriteAllText(Path.Combine(root.PortageDir, "repos.conf", "gentoo.conf"),
            $"[DEFAULT]\nmain-repo = gentoo\n\n[gentoo]\nlocation = {repoPath}\nauto-sync = no\n");
        LinkProfile(root.PortageDir, settings.Profile, repoPath);
        return root;
    }

    public static string MakeConf(TargetSettings settings, string packageDir, int makeJobs)
    {
        var text = new StringBuilder("# Written by BuildSwarm for one job; see docs/gentoo-drone.md\n");
        void Line(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                text.Append(CultureInfo.InvariantCulture, $"{key}=\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n");
            }
        }

        Line("CHOST", settings.Chost);
        Line("CFLAGS", settings.Cflags);
        Line("CXXFLAGS", settings.Cxxflags ?? settings.Cflags);
        Line("MAKEOPTS", $"-j{Math.Max(1, makeJobs)}");
        Line("USE", settings.Use);
        Line("ACCEPT_KEYWORDS", settings.AcceptKeywords);
        // FEATURES is incremental: these add to the profile's defaults. The swarm serves gpkg in the multi-instance layout.
        Line("FEATURES", string.Join(' ', new[] { "binpkg-multi-instance", settings.Features }.Where(f => !string.IsNullOrWhiteSpace(f))));
        Line("BINPKG_FORMAT", "gpkg");
        Line("PKGDIR", packageDir);
        foreach (var (key, value) in settings.MakeConf.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Line(key, value);
        }

        return text.ToString();
    }

    public static string BinreposConf(string target, string binhostUrl, bool verifySignature) =>
        $"[buildswarm-{target}]\npriority = 9999\nsync-uri = {binhostUrl}\nverify-signature = {(verifySignature ? "true" : "false")}\n";

    private static void WriteLines(string path, IReadOnlyList<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Concat(lines.Select(l => l.Trim() + "\n")));
    }

    private static void LinkProfile(string portageDir, string? profile, string repoPath)
    {
        var link = Path.Combine(portageDir, "make.profile");
        var target = !string.IsNullOrWhiteSpace(profile)
            ? Path.Combine(repoPath, "profiles", profile)
            : Path.Exists(HostProfile) ? new FileInfo(HostProfile).ResolveLinkTarget(returnFinalTarget: false)?.FullName : null;
        if (target is not null)
        {
            File.CreateSymbolicLink(link, target);
        }
    }
}

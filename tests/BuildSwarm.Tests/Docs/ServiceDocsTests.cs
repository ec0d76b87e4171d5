using System.Text.RegularExpressions;

namespace BuildSwarm.Tests.Docs;

/// <summary>The service pages name only files deploy/ ships, and quote the command lines its units run.</summary>
public sealed partial class ServiceDocsTests
{
    private static readonly string Root = ApiDocRoutes.RepoRoot();

    [Fact]
    public void Every_service_file_the_gentoo_page_names_is_shipped_in_deploy()
    {
        const string page = "docs/gentoo-drone.md";
        var text = File.ReadAllText(Path.Combine(Root, page));
        var named = InstalledPath().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(named);
        var shipped = new Dictionary<string, string>
        {
            ["/etc/init.d/"] = "deploy/openrc/init.d/",
            ["/etc/conf.d/"] = "deploy/openrc/conf.d/",
            ["/etc/systemd/system/"] = "deploy/systemd/",
            ["/etc/logrotate.d/"] = "deploy/logrotate/",
        };
        foreach (var path in named)
        {
            var (prefix, source) = shipped.Single(s => path.StartsWith(s.Key, StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(Root, source + path[prefix.Length..])), $"{page} names {path}, which deploy/ does not ship");
        }

        Assert.DoesNotContain("command_background", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc/buildswarm/", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drone_command_line_in_the_gentoo_page_is_the_one_the_units_run()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs/gentoo-drone.md"));
        var unit = File.ReadAllLines(Path.Combine(Root, "deploy/systemd/build-swarm-drone.service")).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
        Assert.Contains(unit, text, StringComparison.Ordinal);
        var openrc = File.ReadAllText(Path.Combine(Root, "deploy/openrc/init.d/build-swarm-drone"));
        Assert.Contains("--work-dir /var/lib/build-swarm/drone", openrc, StringComparison.Ordinal);
        Assert.Contains("supervisor=\"supervise-daemon\"", openrc, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/etc/(init\.d|conf\.d|systemd/system|logrotate\.d)/[A-Za-z0-9._-]+")]
    private static partial Regex InstalledPath();
}

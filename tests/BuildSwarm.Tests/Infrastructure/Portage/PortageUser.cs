namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// The unprivileged user the real-Portage tests run Portage as: as root, Portage drops privileges around gpg and
/// signature verification fails (see ../shared/vendor/README.md). Created with <c>useradd</c> when missing.
/// </summary>
public sealed record PortageUser(string Name, int Uid, int Gid, string Home)
{
    public const string DefaultName = "bsportage";

    public static async Task<PortageUser> EnsureAsync(string name = DefaultName)
    {
        if (await IdAsync(name) is not { } existing)
        {
            var home = $"/var/lib/{name}";
            var (code, output) = await VendoredPortage.RunAsync("useradd",
                ["--system", "--user-group", "--create-home", "--home-dir", home, "--shell", "/bin/sh", name], new Dictionary<string, string>());
            // 9: another test run created it meanwhile.
            Assert.True(code is 0 or 9, $"useradd {name} failed ({code}): {output}");
            existing = await IdAsync(name) ?? throw new InvalidOperationException($"user {name} missing after useradd");
        }

        return existing;
    }

    /// <summary>Prefix of a command line that runs the rest as this user (<c>setpriv</c> execs it: the PID is the program's).</summary>
    public IReadOnlyList<string> Launcher => ["setpriv", $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--"];

    /// <summary>Runs a program as this user with only <paramref name="environment"/>.</summary>
    public Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var launcher = Launcher;
        return VendoredPortage.RunAsync(launcher[0], [.. launcher.Skip(1), "env", "-i", .. environment.Select(kv => $"{kv.Key}={kv.Value}"), file, .. arguments],
            new Dictionary<string, string>(), workingDirectory, timeout);
    }

    /// <summary>Gives <paramref name="path"/> and everything below it to this user.</summary>
    public async Task ChownAsync(string path)
    {
        var (code, output) = await VendoredPortage.RunAsync("chown", ["-R", $"{Uid}:{Gid}", path], new Dictionary<string, string>());
        Assert.True(code == 0, output);
    }

    private static async Task<PortageUser?> IdAsync(string name)
    {
        var (code, passwd) = await VendoredPortage.RunAsync("getent", ["passwd", name], new Dictionary<string, string>());
        if (code != 0)
        {
            return null;
        }

        var fields = passwd.Trim().Split(':');
        return new PortageUser(name, int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), fields[5]);
    }
}

namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>
/// A Portage client of the swarm's binhost: a prefix whose binrepos.conf points at the gateway. With a key, signature
/// verification is on and the key is trusted the way <c>getuto</c> sets up <c>/etc/portage/gnupg</c>: a local,
/// ultimately trusted key certifies (<c>--quick-lsign-key</c>) the imported binhost key, so gpg reports it
/// <c>TRUST_FULLY</c>, which is what Portage's gpkg verification requires.
/// </summary>
public static class BinhostClientPrefix
{
    public const string RepoName = "buildswarm";

    public static async Task<PortagePrefix> CreateAsync(PortagePlayground playground, string name, string binhostUrl, (string Armored, string Fingerprint)? key,
        bool multiInstance, bool certify = true)
    {
        var binrepos = $"[{RepoName}]\npriority = 9999\nsync-uri = {binhostUrl}\nverify-signature = {(key is null ? "false" : "true")}\n";
        var features = multiInstance ? "" : "FEATURES=\"-binpkg-multi-instance\"\n";
        var prefix = await playground.NewPrefixAsync(name, $"USE=\"{RealEmergeDrone.Use}\"\n{features}", binrepos);
        if (key is { } trusted)
        {
            var home = Path.Combine(prefix.PortageDir, "gnupg");
            await File.AppendAllTextAsync(Path.Combine(prefix.PortageDir, "make.conf"), $"BINPKG_GPG_VERIFY_GPG_HOME=\"{home}\"\n");
            await TrustAsync(prefix, home, trusted.Armored, trusted.Fingerprint, certify);
        }

        return prefix;
    }

    /// <summary>What getuto does for Gentoo's keys, for the gateway's: a local certifying key, the imported key, a local signature.</summary>
    public static async Task TrustAsync(PortagePrefix prefix, string home, string armoredKey, string fingerprint, bool certify = true)
    {
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var keyFile = Path.Combine(home, "binhost.asc");
        await File.WriteAllTextAsync(keyFile, armoredKey);
        await prefix.Playground.User.ChownAsync(home);
        string[][] steps =
        [
            ["--batch", "--passphrase", "", "--quick-generate-key", "Portage local trust <portage@localhost>", "ed25519", "cert", "never"],
            ["--batch", "--import", keyFile],
            .. certify ? new[] { new[] { "--batch", "--yes", "--quick-lsign-key", fingerprint } } : [],
            ["--batch", "--check-trustdb"],
        ];
        try
        {
            foreach (var step in steps)
            {
                var (code, output) = await prefix.Playground.User.RunAsync("/usr/bin/gpg", ["--homedir", home, .. step], prefix.Environment);
                Assert.True(code == 0, $"gpg {string.Join(' ', step)} failed ({code}): {output}");
            }
        }
        finally
        {
            // gpg started an agent for the key generation; it would outlive the test.
            await prefix.Playground.User.RunAsync("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"], prefix.Environment);
        }
    }
}

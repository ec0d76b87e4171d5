using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Packages signed at publish time verify with real gpg against only the exported public key.</summary>
public sealed class BinhostSigningTests
{
    [Fact]
    public async Task Published_gpkgs_carry_signatures_that_verify_with_the_exported_key()
    {
        using var client = new TempDir();
        var clientHome = client.Sub("gnupg");
        File.SetUnixFileMode(clientHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var gateway = await InProcessGateway.StartAsync(o => o.Binhost.Sign = true);
        var serverHome = Path.Combine(gateway.Options.DataDir, "gnupg");
        try
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(serverHome));
            using (var again = await gateway.Admin.PostAsync("api/gateway/binhost/key", null))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                Assert.False((await again.Content.ReadFromJsonAsync(SwarmJsonContext.Default.BinhostKeyInfo))!.Created);
            }

            var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
            var bytes = await gateway.Anonymous.GetByteArrayAsync($"binhost/{accepted.Path}");

            // Still a valid gpkg by Portage's rules, now with both .sig members and a clear-signed Manifest.
            var info = await GpkgReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None);
            Assert.Equal(["gpkg-1", "metadata.tar.zst", "metadata.tar.zst.sig", "image.tar.zst", "image.tar.zst.sig", "Manifest"], info.Members);
            Assert.True(info.Manifest.IsClearSigned);
            Assert.Equal(5, info.Manifest.Entries.Count);
            var (_, index) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/Packages");
            Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), index.Single()["SIZE"]);

            // The client trusts only what export-key gives it.
            var key = await gateway.Anonymous.GetStringAsync("api/gateway/binhost/key");
            Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", key, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE", key, StringComparison.Ordinal);
            var keyFile = Path.Combine(client.Path, "binhost.asc");
            await File.WriteAllTextAsync(keyFile, key);
            Assert.Equal(0, (await BinhostHarness.GpgAsync(clientHome, "--import", keyFile)).Code);

            var members = client.Sub("members");
            await TarFile.ExtractToDirectoryAsync(new MemoryStream(bytes), members, overwriteFiles: false);
            var top = Path.Combine(members, "hello-1.0");
            foreach (var archive in (string[])["metadata.tar.zst", "image.tar.zst"])
            {
                var (code, error) = await BinhostHarness.GpgAsync(clientHome, "--verify", Path.Combine(top, archive + ".sig"), Path.Combine(top, archive));
                Assert.True(code == 0, error);
                Assert.Contains("Good signature", error, StringComparison.Ordinal);
            }

            var manifest = await BinhostHarness.GpgAsync(clientHome, "--verify", Path.Combine(top, "Manifest"));
            Assert.True(manifest.Code == 0, manifest.Error);

            // A tampered image fails against the same signature.
            var image = Path.Combine(top, "image.tar.zst");
            var tampered = await File.ReadAllBytesAsync(image);
            tampered[^1] ^= 1;
            await File.WriteAllBytesAsync(image, tampered);
            Assert.NotEqual(0, (await BinhostHarness.GpgAsync(clientHome, "--verify", image + ".sig", image)).Code);
        }
        finally
        {
            BinhostHarness.KillAgent(clientHome);
        }
    }

    [Fact]
    public async Task Without_a_key_export_is_404_and_init_key_creates_one()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var missing = await gateway.Anonymous.GetAsync("api/gateway/binhost/key");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = await gateway.Anonymous.PostAsync("api/gateway/binhost/key", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var created = await gateway.Admin.PostAsync("api/gateway/binhost/key", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var info = (await created.Content.ReadFromJsonAsync(SwarmJsonContext.Default.BinhostKeyInfo))!;
        Assert.Matches("^[0-9A-F]{40}$", info.Fingerprint);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", await gateway.Anonymous.GetStringAsync("api/gateway/binhost/key"), StringComparison.Ordinal);

        // Sign is off: packages are published as uploaded.
        var accepted = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0");
        var info2 = await GpkgReader.ReadAsync(new MemoryStream(await gateway.Anonymous.GetByteArrayAsync($"binhost/{accepted.Path}")), CancellationToken.None);
        Assert.False(info2.IsSigned);
    }
}

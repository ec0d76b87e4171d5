using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>
/// Every member of a gpkg's <c>metadata.tar</c> must be <c>metadata/&lt;KEY&gt;</c> (Portage's
/// <c>gpkg._strip_metadata_prefix</c>). The demo builder's packages pass; one with a bare <c>metadata</c> directory
/// member (what the demo builder used to write) gets 422 from the gateway and is rejected by Portage's own reader,
/// run from the vendored Portage source.
/// </summary>
public sealed class GpkgMetadataPrefixTests
{
    [Fact]
    public async Task Demo_builder_package_is_published_and_a_bare_metadata_member_gets_422()
    {
        using var dir = new TempDir();
        await using var gateway = await InProcessGateway.StartAsync();
        var leases = await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/good-1.0", "app-misc/bad-1.0");

        var good = await File.ReadAllBytesAsync(await DemoPackage.BuildAsync("app-misc/good-1.0", dir.Sub("good")));
        using var accepted = await BinhostHarness.UploadAsync(gateway, leases["app-misc/good-1.0"], good);
        Assert.True(accepted.StatusCode == HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());

        var bad = await File.ReadAllBytesAsync(await BuildBrokenAsync("app-misc/bad-1.0", dir.Sub("bad")));
        using var refused = await BinhostHarness.UploadAsync(gateway, leases["app-misc/bad-1.0"], bad);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("'metadata/'", problem, StringComparison.Ordinal);
        Assert.Contains("Invalid metadata path: metadata", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("bad-1.0", await gateway.Anonymous.GetStringAsync("binhost/Packages"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portage_gpkg_reader_gives_the_same_verdict_as_ours()
    {
        using var dir = new TempDir();
        var good = await DemoPackage.BuildAsync("dev-libs/good-1.0-r1", dir.Sub("good"), "dev-libs/base-1");
        var bad = await BuildBrokenAsync("dev-libs/bad-1.0", dir.Sub("bad"));
        var ct = TestContext.Current.CancellationToken;

        var (code, output) = await PortageGetMetadataAsync(dir.Sub("eprefix"), good, bad);
        Assert.True(code == 0, output);
        Assert.Contains($"ACCEPT {good} CATEGORY=dev-libs PF=good-1.0-r1", output, StringComparison.Ordinal);
        Assert.Contains($"REJECT {bad} InvalidBinaryPackageFormat: Invalid metadata path: metadata", output, StringComparison.Ordinal);

        Assert.Equal("good-1.0-r1", (await BinaryPackageReader.ReadAsync(good, ct)).Metadata["PF"]);
        var ours = await Assert.ThrowsAsync<InvalidPackageException>(() => BinaryPackageReader.ReadAsync(bad, ct));
        Assert.Contains("Invalid metadata path: metadata", ours.Message, StringComparison.Ordinal);
    }

    private const string Members = "--no-recursion -T \"$work/metadata.list\"";

    /// <summary>The demo builder as it was before the fix: its metadata.tar starts with a bare <c>metadata</c> directory member.</summary>
    private static async Task<string> BuildBrokenAsync(string cpv, string outputDir)
    {
        var script = await File.ReadAllTextAsync(SwarmProcess.DemoBuilder);
        Assert.Contains(Members, script, StringComparison.Ordinal);
        var broken = Path.Combine(outputDir, "..", $"broken-{Path.GetFileName(outputDir)}.sh");
        await File.WriteAllTextAsync(broken, script.Replace(Members, "metadata", StringComparison.Ordinal));
        var (code, output) = await RunAsync("bash", [broken], new() { ["BUILDSWARM_CPV"] = cpv, ["BUILDSWARM_OUTPUT_DIR"] = outputDir, ["BUILDSWARM_DEMO_SECONDS"] = "0" });
        Assert.True(code == 0, output);
        return Directory.GetFiles(outputDir, "*.gpkg.tar").Single();
    }

    /// <summary>Runs <c>portage.gpkg.gpkg(settings, None, file).get_metadata()</c> from the vendored, unmodified Portage source.</summary>
    private static async Task<(int Code, string Output)> PortageGetMetadataAsync(string eprefix, params string[] files)
    {
        const string program = """
            import sys, portage, portage.gpkg
            for f in sys.argv[1:]:
                try:
                    m = portage.gpkg.gpkg(portage.settings, None, f).get_metadata()
                    print("ACCEPT", f, "CATEGORY=" + m["CATEGORY"].decode().strip(), "PF=" + m["PF"].decode().strip())
                except Exception as e:
                    print("REJECT", f, type(e).__name__ + ":", e)
            """;
        Directory.CreateDirectory(eprefix);
        var lib = Path.Combine(await PortageSourceAsync(), "portage", "lib");
        return await RunAsync("python3", ["-c", program, .. files], new() { ["PYTHONPATH"] = lib, ["PORTAGE_OVERRIDE_EPREFIX"] = eprefix });
    }

    /// <summary>The vendored Portage tarball (<c>../shared/vendor</c> next to the repository), unpacked once per file hash.</summary>
    internal static async Task<string> PortageSourceAsync()
    {
        var tarball = VendorTarball();
        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(tarball)))[..16];
        var target = Path.Combine(Path.GetTempPath(), $"buildswarm-portage-{hash}");
        if (Directory.Exists(target))
        {
            return target;
        }

        var staging = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        var (code, output) = await RunAsync("tar", ["-xzf", tarball, "-C", staging], []);
        Assert.True(code == 0, output);
        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            Directory.Delete(staging, recursive: true); // another test run unpacked it first
        }

        return target;
    }

    private static string VendorTarball()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var vendor = Path.Combine(dir.FullName, "shared", "vendor");
            if (Directory.Exists(vendor) && Directory.GetFiles(vendor, "portage-*.tar.gz") is [var tarball])
            {
                return tarball;
            }
        }

        throw new InvalidOperationException($"no shared/vendor/portage-*.tar.gz above {AppContext.BaseDirectory}: this test needs Portage's source");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout + await stderr);
    }
}

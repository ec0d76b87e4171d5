using System.Diagnostics;
using BuildSwarm.Core.Portage;
using BuildSwarm.Hosting.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class DemoBuilderTests
{
    [Fact]
    public async Task Gpkg_from_the_demo_builder_validates()
    {
        var ct = TestContext.Current.CancellationToken;
        using var output = new TempDirectory();
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "builders", "demo-builder.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BUILDSWARM_CPV"] = "dev-libs/foo-bar-1.0_rc1-r2",
                ["BUILDSWARM_OUTPUT_DIR"] = output.Path,
                ["BUILDSWARM_DEMO_SECONDS"] = "0",
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"demo-builder failed: {await stdout}{stderr}");

        var package = await PackageFiles.ReadAsync(Path.Combine(output.Path, "foo-bar-1.0_rc1-r2.gpkg.tar"), ct);

        Assert.Equal(BinaryPackageKind.Gpkg, package.Kind);
        Assert.Equal("dev-libs", package.Metadata["CATEGORY"]);
        Assert.Equal("foo-bar-1.0_rc1-r2", package.Gpkg!.TopDirectory);
        Assert.Equal(GpkgCompression.Gzip, package.Gpkg.ImageCompression);
        Assert.Equal(Cpv.Parse("dev-libs/foo-bar-1.0_rc1-r2"), package.Cpv);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BuildSwarm.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no BuildSwarm.slnx above {AppContext.BaseDirectory}");
    }
}

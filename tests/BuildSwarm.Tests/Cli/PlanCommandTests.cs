using System.Net.Http.Headers;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Cli;

[Collection(EndToEnd.MultiProcessCollection.Name)]
public sealed class PlanCommandTests
{
    private const string EmergeOutput = """

        These are the packages that would be merged, in reverse order:

        Calculating dependencies... done!
        [ebuild   R    ] net-misc/curl-8.11.0::gentoo  USE="ssl -zstd" 2,721 KiB
        [ebuild   R    ]  dev-libs/openssl-3.3.2-r1:0/3::gentoo  USE="asm -static-libs" 17,633 KiB
        [ebuild   R    ]   sys-libs/zlib-1.3.1-r1:0/1::gentoo  USE="-minizip -static-libs -verify-sig" 1,558 KiB
        [ebuild  N     ] app-misc/hello-2.12.1::gentoo  USE="nls" 1,020 KiB

        Total: 4 packages (1 new, 3 reinstalls), Size of downloads: 22,932 KiB
        """;

    [Fact]
    public async Task Plan_submit_leaves_out_published_packages_and_records_edges_and_the_tree_snapshot()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await PublishAsync(gateway, "sys-libs/zlib-1.3.1-r1");
        using var dir = new TempDir();
        var input = Path.Combine(dir.Path, "emerge.txt");
        await File.WriteAllTextAsync(input, EmergeOutput);
        var token = File.ReadAllText(Path.Combine(gateway.Options.DataDir, "admin.token")).Trim();

        await using var plan = SwarmProcess.Start("plan", ["plan", input, "--submit", "--json", "--gateway", gateway.Url, "--token", token, "--tree-snapshot", "Sat, 28 Nov 2026 00:45:01 +0000"]);
        Assert.True(await plan.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, plan.Output);

        var lines = plan.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"dropped\":[\"sys-libs/zlib-1.3.1-r1\"]", lines[0], StringComparison.Ordinal);
        var submitted = System.Text.Json.JsonSerializer.Deserialize(lines[^1], SwarmJsonContext.Default.SubmitBuildResponse)!;
        var build = await gateway.BuildAsync(submitted.BuildId);
        var deps = build.Jobs.ToDictionary(j => j.Cpv, j => j.Deps);
        Assert.Equal(["app-misc/hello-2.12.1", "dev-libs/openssl-3.3.2-r1", "net-misc/curl-8.11.0"], deps.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["dev-libs/openssl-3.3.2-r1"], deps["net-misc/curl-8.11.0"]);
        Assert.Empty(deps["dev-libs/openssl-3.3.2-r1"]); // zlib is published already
        var lease = await gateway.LeaseOneAsync();
        Assert.Equal("Sat, 28 Nov 2026 00:45:01 +0000", lease.TreeSnapshot);
    }

    [Fact]
    public async Task Output_without_tree_nesting_is_printed_but_not_submitted()
    {
        using var dir = new TempDir();
        var input = Path.Combine(dir.Path, "emerge.txt");
        await File.WriteAllTextAsync(input, System.Text.RegularExpressions.Regex.Replace(EmergeOutput.Replace("in reverse order", "in order", StringComparison.Ordinal), @"\] +", "] "));

        await using var submit = SwarmProcess.Start("submit", ["submit", "--plan", input, "--gateway", "http://127.0.0.1:9", "--token", "x"]);

        Assert.Equal(2, await submit.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("no --tree nesting", submit.Output, StringComparison.Ordinal);
    }

    private static async Task PublishAsync(InProcessGateway gateway, string cpv)
    {
        await gateway.SubmitAsync(new PackageRequest(cpv, []));
        var lease = await gateway.LeaseOneAsync();
        using var dir = new TempDir();
        var bytes = await File.ReadAllBytesAsync(await DemoPackage.BuildAsync(cpv, dir.Path));
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = new ByteArrayContent(bytes) };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        upload.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
        upload.Headers.Add(UploadHeaders.Sha256, DemoPackage.Sha256(bytes));
        using var response = await gateway.Anonymous.SendAsync(upload);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

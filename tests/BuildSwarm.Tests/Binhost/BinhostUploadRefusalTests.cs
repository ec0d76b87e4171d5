using System.Net;
using System.Net.Sockets;
using System.Text;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Bad requests get a clear 4xx and change nothing: no file, no index entry, the job keeps its lease.</summary>
public sealed class BinhostUploadRefusalTests
{
    [Theory]
    [InlineData("/binhost/../gateway.db")]
    [InlineData("/binhost/%2e%2e/gateway.db")]
    [InlineData("/binhost/%2e%2e%2fgateway.db")]
    [InlineData("/binhost/default/..%2f..%2fgateway.db")]
    [InlineData("/binhost//etc/passwd")]
    [InlineData("/binhost/%2fetc%2fpasswd")]
    [InlineData("/binhost/.incoming/")]
    [InlineData("/binhost/default/.Packages.1.tmp")]
    [InlineData("/binhost/..%5c..%5cgateway.db")]
    public async Task Path_traversal_gets_404(string path)
    {
        await using var gateway = await InProcessGateway.StartAsync();
        // Something worth stealing in the hidden upload directory and next to the binhost.
        Directory.CreateDirectory(Path.Combine(gateway.Options.DataDir, "binhost", ".incoming"));
        await File.WriteAllTextAsync(Path.Combine(gateway.Options.DataDir, "binhost", ".incoming", "1-x.part"), "secret");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(gateway.Url).Port);
        await using var stream = client.GetStream();
        // Raw request, so no client library normalises the path first.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var response = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 404", response, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", response, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_upload_leaves_nothing_visible_and_the_job_leased()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var lease = (await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/hello-1.0"))["app-misc/hello-1.0"];
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");
        var before = await gateway.Anonymous.GetStringAsync("binhost/Packages");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, new Uri(gateway.Url).Port);
            var stream = client.GetStream();
            var head = $"PUT /api/gateway/binhost/upload/{lease.JobId} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {package.Length}\r\n" +
                       $"{UploadHeaders.Lease}: {lease.LeaseId}\r\n{UploadHeaders.Sha256}: {BinhostHarness.Sha256(package)}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(package.AsMemory(0, package.Length / 2));
            await stream.FlushAsync();
        }

        var incoming = Path.Combine(gateway.Options.DataDir, "binhost", ".incoming");
        await Poll.UntilAsync(() => Task.FromResult(!Directory.Exists(incoming) || Directory.GetFiles(incoming).Length == 0),
            TimeSpan.FromSeconds(10), "the temporary of the broken upload to go");
        Assert.Equal(PackagesIndex.Read(before).Packages, PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages);
        Assert.False(Directory.Exists(Path.Combine(gateway.BinhostRoot, "app-misc")));
        var job = (await gateway.BuildAsync(lease.BuildId)).Jobs.Single();
        Assert.Equal(BuildSwarm.Core.Jobs.JobState.Leased, job.State);

        // The same lease can still deliver the package.
        using var retry = await BinhostHarness.UploadAsync(gateway, lease, package);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
    }

    [Fact]
    public async Task Oversized_upload_gets_413()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.MaxUploadBytes = 1024);
        var lease = (await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/hello-1.0"))["app-misc/hello-1.0"];
        using var response = await BinhostHarness.UploadAsync(gateway, lease, await BinhostHarness.GpkgAsync("app-misc/hello-1.0"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1024", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages);
    }

    [Fact]
    public async Task Corrupt_gpkg_gets_422_naming_the_member()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var lease = (await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/hello-1.0"))["app-misc/hello-1.0"];
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0", GpkgCompression.Gzip);
        var image = IndexOf(package, "image.tar.gz"u8) + 512; // the member's data follows its 512-byte header
        package[image + 40] ^= 0xff;
        using var response = await BinhostHarness.UploadAsync(gateway, lease, package);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("image.tar.gz", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages);
    }

    [Fact]
    public async Task Checksum_mismatch_names_the_header()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var lease = (await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/hello-1.0"))["app-misc/hello-1.0"];
        using var response = await BinhostHarness.UploadAsync(gateway, lease, await BinhostHarness.GpkgAsync("app-misc/hello-1.0"), new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(UploadHeaders.Sha256, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(PackagesIndex.Read(await gateway.Anonymous.GetStringAsync("binhost/Packages")).Packages);
    }

    [Fact]
    public async Task Duplicate_upload_gets_409_and_is_published_once()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var lease = (await BinhostHarness.SubmitAndLeaseAsync(gateway, null, "app-misc/hello-1.0"))["app-misc/hello-1.0"];
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");
        using var first = await BinhostHarness.UploadAsync(gateway, lease, package);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await BinhostHarness.UploadAsync(gateway, lease, package);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var (_, packages) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/Packages");
        Assert.Single(packages);
        Assert.Single(Directory.GetFiles(Path.Combine(gateway.BinhostRoot, "app-misc"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Uploads_for_another_target_are_refused()
    {
        await using var gateway = await InProcessGateway.StartAsync(o =>
        {
            o.Targets.Add(new BinhostTargetOptions { Name = "amd64", Chost = "x86_64-pc-linux-gnu" });
            o.Targets.Add(new BinhostTargetOptions { Name = "arm64", Chost = "aarch64-unknown-linux-gnu" });
        });
        var leases = await BinhostHarness.SubmitAndLeaseAsync(gateway, "arm64", "app-misc/hello-1.0");
        var lease = leases["app-misc/hello-1.0"];
        var amd64Package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");

        // The uploader names another target than the job's.
        using (var content = new ByteArrayContent(amd64Package))
        using (var request = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = content })
        {
            request.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
            request.Headers.Add(UploadHeaders.Sha256, BinhostHarness.Sha256(amd64Package));
            request.Headers.Add(UploadHeaders.Target, "amd64");
            using var named = await gateway.Anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Conflict, named.StatusCode);
        }

        // The package itself was built for the other target's CHOST.
        using var wrong = await BinhostHarness.UploadAsync(gateway, lease, amd64Package);
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Contains("aarch64-unknown-linux-gnu", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/arm64/Packages")).Packages);
        Assert.Empty((await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages")).Packages);

        using var right = await BinhostHarness.UploadAsync(gateway, lease, await BinhostHarness.GpkgAsync("app-misc/hello-1.0", chost: "aarch64-unknown-linux-gnu"));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        Assert.Single((await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/arm64/Packages")).Packages);
        Assert.Empty((await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages")).Packages);
    }

    [Fact]
    public async Task Unknown_target_names_are_refused_at_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InProcessGateway.StartAsync(o => o.Targets.Add(new BinhostTargetOptions { Name = "x86-64" })));
        Assert.Contains("x86-64", error.Message, StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}

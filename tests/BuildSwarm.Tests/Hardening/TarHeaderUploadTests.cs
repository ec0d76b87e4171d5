using System.Net;
using System.Text;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Hardening;

/// <summary>Issue 17: a tar header whose size is a base-256 (binary) number too large for the reader is a 422, not a 500.</summary>
public sealed class TarHeaderUploadTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task An_upload_with_a_base_256_size_field_is_422_and_stores_nothing(int member)
    {
        await using var gateway = await InProcessGateway.StartAsync();
        var build = await gateway.SubmitAsync(new PackageRequest("app-misc/hello-1.0"));
        var lease = await gateway.LeaseOneAsync();
        using var dir = new TempDir();
        var bytes = await File.ReadAllBytesAsync(await DemoPackage.BuildAsync("app-misc/hello-1.0", dir.Path));
        WriteBase256Size(bytes, HeaderOffset(bytes, member));
        var indexBefore = await gateway.Anonymous.GetStringAsync("binhost/Packages", TestContext.Current.CancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("X-Lease-Id", lease.LeaseId);
        request.Headers.Add("X-Content-SHA256", DemoPackage.Sha256(bytes));
        using var response = await gateway.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("base-256", text, StringComparison.Ordinal);
        Assert.Equal(indexBefore, await gateway.Anonymous.GetStringAsync("binhost/Packages", TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(gateway.BinhostRoot, "*.gpkg.tar", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(gateway.Options.DataDir, "binhost", ".incoming")));
        Assert.NotEqual(JobState.Done, (await gateway.BuildAsync(build.BuildId)).Jobs.Single().State);
    }

    /// <summary>The offset of the <paramref name="member"/>-th ustar header, walking the members by their octal sizes.</summary>
    private static int HeaderOffset(byte[] tar, int member)
    {
        var offset = 0;
        for (var i = 0; i < member; i++)
        {
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar, offset + 124, 11).Trim('\0', ' '), 8);
            offset += 512 + (int)((size + 511) / 512 * 512);
        }

        return offset;
    }

    /// <summary>Sets the 12-byte size field to base-256 (high bit set) with a value beyond a long, and fixes the header checksum.</summary>
    private static void WriteBase256Size(byte[] tar, int header)
    {
        tar[header + 124] = 0x80;
        Array.Fill(tar, (byte)0xFF, header + 125, 11);
        Array.Fill(tar, (byte)' ', header + 148, 8);
        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += tar[header + i];
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, header + 148);
    }
}

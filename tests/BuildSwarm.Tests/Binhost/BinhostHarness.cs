using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Packages made in-process with the real writers, and the drone's side of an upload over real HTTP.</summary>
internal static class BinhostHarness
{
    public const string Chost = "x86_64-pc-linux-gnu";

    public static Dictionary<string, string> Metadata(string cpv, string chost = Chost)
    {
        var parsed = Cpv.Parse(cpv);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CATEGORY"] = parsed.Category,
            ["PF"] = parsed.Pf,
            ["SLOT"] = "0",
            ["EAPI"] = "8",
            ["KEYWORDS"] = "amd64",
            ["USE"] = "amd64 elibc_glibc",
            ["DESCRIPTION"] = $"test package {parsed.PackageName}",
            ["CHOST"] = chost,
            ["repository"] = "gentoo",
        };
    }

    public static async Task<byte[]> GpkgAsync(string cpv, GpkgCompression compression = GpkgCompression.Zstd, string chost = Chost)
    {
        using var output = new MemoryStream();
        await GpkgWriter.WriteAsync(output, Metadata(cpv, chost),
            [new GpkgImageFile($"usr/share/doc/{Cpv.Parse(cpv).Pf}/README", Encoding.UTF8.GetBytes($"hello from {cpv}\n" + new string('x', 4096)))],
            new GpkgWriteOptions { Compression = compression, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }, CancellationToken.None);
        return output.ToArray();
    }

    public static async Task<byte[]> XpakAsync(string cpv)
    {
        using var image = new MemoryStream(Encoding.ASCII.GetBytes("BZh9\x17rE8P\x90\0\0\0\0"));
        using var output = new MemoryStream();
        await XpakWriter.WriteAsync(output, image, Metadata(cpv), CancellationToken.None);
        return output.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Submits <paramref name="cpvs"/> and leases all of them (as one fake drone).</summary>
    public static async Task<Dictionary<string, JobLease>> SubmitAndLeaseAsync(InProcessGateway gateway, string? target, params string[] cpvs)
    {
        using (var submit = await gateway.Admin.PostAsJsonAsync("api/gateway/build/submit",
                   new SubmitBuildRequest([.. cpvs.Select(c => new PackageRequest(c))], target), SwarmJsonContext.Default.SubmitBuildRequest))
        {
            submit.EnsureSuccessStatusCode();
        }

        using var register = await gateway.Cluster.PostAsJsonAsync("api/gateway/orchestrators/register",
            new OrchestratorRegistration("test-orchestrator", "lab", "http://127.0.0.1:1"), SwarmJsonContext.Default.OrchestratorRegistration);
        register.EnsureSuccessStatusCode();
        var orchestrator = (await register.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorRegistered))!.OrchestratorId;
        await gateway.AdmitAsync("drone-a");
        var leases = new Dictionary<string, JobLease>(StringComparer.Ordinal);
        while (leases.Count < cpvs.Length)
        {
            using var lease = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease",
                new LeaseRequest(orchestrator, "drone-a", "drone-a", 64, Cores: 1024, Slots: 256), SwarmJsonContext.Default.LeaseRequest);
            lease.EnsureSuccessStatusCode();
            var got = (await lease.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases;
            Assert.NotEmpty(got);
            foreach (var l in got)
            {
                leases[l.Cpv] = l;
            }
        }

        return leases;
    }

    public static async Task<HttpResponseMessage> UploadAsync(InProcessGateway gateway, JobLease lease, byte[] body, string? sha256 = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/gateway/binhost/upload/{lease.JobId}") { Content = content };
        request.Headers.Add(UploadHeaders.Lease, lease.LeaseId);
        request.Headers.Add(UploadHeaders.Sha256, sha256 ?? Sha256(body));
        return await gateway.Anonymous.SendAsync(request);
    }

    /// <summary>Builds, submits, leases and uploads one package; asserts it was published.</summary>
    public static async Task<UploadAccepted> PublishAsync(InProcessGateway gateway, string cpv, string? target = null, byte[]? package = null)
    {
        var lease = (await SubmitAndLeaseAsync(gateway, target, cpv))[cpv];
        using var response = await UploadAsync(gateway, lease, package ?? await GpkgAsync(cpv));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.UploadAccepted))!;
    }

    public static async Task<(Dictionary<string, string> Header, List<Dictionary<string, string>> Packages)> IndexAsync(HttpClient http, string url)
    {
        var text = await http.GetStringAsync(url);
        return PackagesIndex.ReadAsClient(text);
    }

    /// <summary>Runs gpg in its own GNUPGHOME; returns exit code and stderr.</summary>
    public static async Task<(int Code, string Error)> GpgAsync(string home, params string[] arguments)
    {
        var start = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GNUPGHOME"] = home;
        foreach (var argument in (string[])["--batch", "--no-tty", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error);
    }

    public static void KillAgent(string home)
    {
        using var process = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]) { RedirectStandardError = true });
        process?.WaitForExit(5000);
    }
}

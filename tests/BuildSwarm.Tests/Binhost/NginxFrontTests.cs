using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Binhost;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BuildSwarm.Tests.Binhost;

/// <summary>deploy/nginx/binhost.conf in a real nginx in front of a real gateway: what Portage fetches through it.</summary>
public sealed class NginxFrontTests
{
    [Fact]
    public async Task The_sample_nginx_config_serves_the_binhost_directory_and_passes_the_rest_to_the_gateway()
    {
        await using var gateway = await InProcessGateway.StartAsync(o => o.Targets.Add(new BinhostTargetOptions { Name = "amd64", Arch = "amd64" }));
        var package = await BinhostHarness.GpkgAsync("app-misc/hello-1.0");
        var live = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", package: package);
        var other = await BinhostHarness.PublishAsync(gateway, "dev-libs/other-2.0", "amd64");
        using (var promote = await gateway.Admin.PostAsJsonAsync("api/gateway/binhost/targets/default/promote", new PromoteRequest("r1"), SwarmJsonContext.Default.PromoteRequest))
        {
            Assert.Equal(HttpStatusCode.Created, promote.StatusCode);
        }

        await gateway.App.Services.GetRequiredService<BinhostIndex>().FlushAsync(CancellationToken.None);
        using var nginx = await Nginx.StartAsync(gateway);
        using var http = new HttpClient { BaseAddress = new Uri(nginx.Url + "/") };

        // The index files on disk are the gateway's index, byte for byte, served as Portage wants them.
        foreach (var index in (string[])["binhost/Packages", "binhost/Packages.gz", "binhost/amd64/Packages"])
        {
            using var response = await http.GetAsync(index);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(await gateway.Anonymous.GetByteArrayAsync(index), await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
            Assert.Empty(response.Content.Headers.ContentEncoding);
        }

        using (var file = await http.GetAsync($"binhost/{live.Path}"))
        {
            Assert.Equal(package, await file.Content.ReadAsByteArrayAsync());
            Assert.Equal("public, max-age=31536000, immutable", file.Headers.CacheControl!.ToString());
        }

        using var range = new HttpRequestMessage(HttpMethod.Get, $"binhost/{live.Path}");
        range.Headers.Range = new RangeHeaderValue(1000, null);
        using (var partial = await http.SendAsync(range))
        {
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(package[1000..], await partial.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(await gateway.Anonymous.GetByteArrayAsync($"binhost/amd64/{other.Path}"), await http.GetByteArrayAsync($"binhost/amd64/{other.Path}"));

        // Releases go through the gateway, which maps their URLs onto the shared files.
        Assert.Equal(await gateway.Anonymous.GetStringAsync("binhost/releases/stable/Packages"), await http.GetStringAsync("binhost/releases/stable/Packages"));
        Assert.Equal(package, await http.GetByteArrayAsync($"binhost/releases/r1/{live.Path}"));

        // Hidden files never; the API through the proxy.
        Directory.CreateDirectory(Path.Combine(gateway.BinhostRoot, ".incoming"));
        await File.WriteAllTextAsync(Path.Combine(gateway.BinhostRoot, ".incoming", "1-x.part"), "secret");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("binhost/.incoming/1-x.part")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("binhost/app-misc/nothing/nothing-1-1.gpkg.tar")).StatusCode);
        using var status = await http.GetAsync("api/gateway/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("\"binhostPackages\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>nginx with the sample server block, the paths and ports of this test, on loopback; stopped by PID.</summary>
    private sealed class Nginx : IDisposable
    {
        private readonly Process _process;
        private readonly TempDir _dir;

        private Nginx(Process process, TempDir dir, string url) => (_process, _dir, Url) = (process, dir, url);

        public string Url { get; }

        public static async Task<Nginx> StartAsync(InProcessGateway gateway)
        {
            var dir = new TempDir();
            var port = FreePort.Next();
            var sample = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "nginx", "binhost.conf"));
            var server = sample
                .Replace("server 127.0.0.1:8090;", $"server {new Uri(gateway.Url).Authority};", StringComparison.Ordinal)
                .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
                .Replace("/var/lib/build-swarm", Path.GetFullPath(gateway.Options.DataDir), StringComparison.Ordinal);
            Assert.NotEqual(sample, server);
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "binhost.conf"), server);
            var temp = dir.Sub("temp");
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "nginx.conf"), $$"""
                daemon off;
                user {{Environment.UserName}};
                worker_processes 1;
                pid {{dir.Path}}/nginx.pid;
                error_log {{dir.Path}}/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path {{temp}}/body;
                    proxy_temp_path {{temp}}/proxy;
                    fastcgi_temp_path {{temp}}/fastcgi;
                    uwsgi_temp_path {{temp}}/uwsgi;
                    scgi_temp_path {{temp}}/scgi;
                    include {{dir.Path}}/binhost.conf;
                }
                """);
            var start = new ProcessStartInfo("nginx", ["-c", Path.Combine(dir.Path, "nginx.conf"), "-p", dir.Path]) { RedirectStandardError = true };
            var process = Process.Start(start)!;
            var nginx = new Nginx(process, dir, $"http://127.0.0.1:{port}");
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Poll.UntilAsync(async () => !process.HasExited && (await probe.GetAsync($"{nginx.Url}/healthz")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(20), "nginx to answer",
                () => process.HasExited ? process.StandardError.ReadToEnd() : File.ReadAllText(Path.Combine(dir.Path, "error.log")));
            return nginx;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
            _dir.Dispose();
        }
    }
}

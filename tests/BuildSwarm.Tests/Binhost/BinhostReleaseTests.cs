using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Binhost;

/// <summary>Releases freeze an index without copying files; stable, rollback, gc and verify respect them.</summary>
public sealed class BinhostReleaseTests
{
    private static void Configure(GatewayOptions options)
    {
        options.Targets.Add(new BinhostTargetOptions { Name = "amd64", Arch = "amd64" });
        options.Binhost.KeepBuilds = 1;
    }

    [Fact]
    public async Task Promote_freezes_the_index_and_serves_shared_files_below_the_release()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        var v1 = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", "amd64");
        var release = await PromoteAsync(gateway, "amd64", null);
        Assert.Equal("1", release.Name);
        Assert.Equal(1, release.Packages);

        var frozen = await gateway.Anonymous.GetStringAsync("binhost/amd64/releases/1/Packages");
        Assert.Equal(frozen, await gateway.Anonymous.GetStringAsync("binhost/amd64/releases/stable/Packages"));
        var entry = BuildSwarm.Core.Portage.PackagesIndex.ReadAsClient(frozen).Packages.Single();
        Assert.Equal(v1.Path, entry["PATH"]);
        Assert.Equal("amd64", BuildSwarm.Core.Portage.PackagesIndex.ReadAsClient(frozen).Header["ARCH"]);

        // Portage joins the index URL's directory and PATH: the file is there, and it is the shared one, not a copy.
        var viaRelease = await gateway.Anonymous.GetByteArrayAsync($"binhost/amd64/releases/1/{entry["PATH"]}");
        Assert.Equal(await gateway.Anonymous.GetByteArrayAsync($"binhost/amd64/{v1.Path}"), viaRelease);
        Assert.Empty(Directory.GetFiles(Path.Combine(gateway.Options.DataDir, "binhost", "amd64", "releases", "1"), "*.gpkg.tar", SearchOption.AllDirectories));

        // A new build replaces build 1 in the live index (KeepBuilds = 1) but not in the release.
        var v2 = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", "amd64");
        Assert.Equal(frozen, await gateway.Anonymous.GetStringAsync("binhost/amd64/releases/1/Packages"));
        using (var notInRelease = await gateway.Anonymous.GetAsync($"binhost/amd64/releases/1/{v2.Path}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notInRelease.StatusCode);
        }

        // gc keeps build 1 (the release lists it); verify finds nothing wrong.
        var gc = await PostAsync(gateway, "api/gateway/binhost/gc", SwarmJsonContext.Default.GcReport);
        Assert.Equal(0, gc.DeletedFiles);
        Assert.True(File.Exists(Path.Combine(gateway.Options.DataDir, "binhost", "amd64", v1.Path)));

        var second = await PromoteAsync(gateway, "amd64", "2026.05");
        Assert.Equal("2026.05", second.Name);
        Assert.Contains(v2.Path, await gateway.Anonymous.GetStringAsync("binhost/amd64/releases/stable/Packages"), StringComparison.Ordinal);

        using (var duplicate = await gateway.Admin.PostAsJsonAsync("api/gateway/binhost/targets/amd64/promote", new PromoteRequest("2026.05"), SwarmJsonContext.Default.PromoteRequest))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using (var badName = await gateway.Admin.PostAsJsonAsync("api/gateway/binhost/targets/amd64/promote", new PromoteRequest("../x"), SwarmJsonContext.Default.PromoteRequest))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        }

        var rollback = await PostAsync(gateway, "api/gateway/binhost/targets/amd64/rollback", SwarmJsonContext.Default.RollbackResult);
        Assert.Equal(("2026.05", "1"), (rollback.From, rollback.To));
        Assert.Equal(frozen, await gateway.Anonymous.GetStringAsync("binhost/amd64/releases/stable/Packages"));
        using (var oldest = await gateway.Admin.PostAsync("api/gateway/binhost/targets/amd64/rollback", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, oldest.StatusCode);
        }

        var list = await gateway.Admin.GetFromJsonAsync("api/gateway/binhost/targets/amd64/releases", SwarmJsonContext.Default.IReadOnlyListBinhostReleaseView);
        Assert.Equal([("1", true), ("2026.05", false)], list!.Select(r => (r.Name, r.Stable)));
        using var unknown = await gateway.Admin.PostAsync("api/gateway/binhost/targets/sparc/promote", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Gc_deletes_only_unreferenced_files_and_stale_temporaries()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        var kept = await BinhostHarness.PublishAsync(gateway, "app-misc/hello-1.0", "amd64");
        var root = Path.Combine(gateway.Options.DataDir, "binhost", "amd64");
        var orphan = Path.Combine(root, "app-misc", "ghost", "ghost-1.0-1.gpkg.tar");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllTextAsync(orphan, "left by a crash between rename and commit");
        var incoming = Path.Combine(gateway.Options.DataDir, "binhost", ".incoming");
        Directory.CreateDirectory(incoming);
        var stale = Path.Combine(incoming, "7-abc.part");
        var fresh = Path.Combine(incoming, "8-def.part");
        await File.WriteAllTextAsync(stale, "x");
        await File.WriteAllTextAsync(fresh, "y");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-3));

        using var anonymous = await gateway.Anonymous.PostAsync("api/gateway/binhost/gc", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var report = await PostAsync(gateway, "api/gateway/binhost/gc", SwarmJsonContext.Default.GcReport);
        Assert.Equal(1, report.DeletedFiles);
        Assert.Equal(1, report.DeletedTemporaries);
        Assert.False(File.Exists(orphan));
        Assert.False(Directory.Exists(Path.GetDirectoryName(orphan)));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(Path.Combine(root, kept.Path)));
        Assert.True(File.Exists(Path.Combine(root, "Packages")));
    }

    [Fact]
    public async Task Verify_reports_and_repair_drops_broken_live_entries()
    {
        await using var gateway = await InProcessGateway.StartAsync(Configure);
        var good = await BinhostHarness.PublishAsync(gateway, "app-misc/good-1.0", "amd64");
        var gone = await BinhostHarness.PublishAsync(gateway, "app-misc/gone-1.0", "amd64");
        var bad = await BinhostHarness.PublishAsync(gateway, "app-misc/bad-1.0", "amd64");
        var root = Path.Combine(gateway.Options.DataDir, "binhost", "amd64");
        File.Delete(Path.Combine(root, gone.Path));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(root, bad.Path));
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(Path.Combine(root, bad.Path), bytes);

        var report = await PostAsync(gateway, "api/gateway/binhost/verify", SwarmJsonContext.Default.VerifyReport);
        Assert.Equal(3, report.Checked);
        Assert.Equal(2, report.Remaining);
        Assert.Contains(report.Problems, p => p.Path == gone.Path && p.Problem == "file is missing");
        Assert.Contains(report.Problems, p => p.Path == bad.Path && p.Problem.StartsWith("MD5", StringComparison.Ordinal));
        Assert.Equal(3, (await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages")).Packages.Count);

        var repaired = await PostAsync(gateway, "api/gateway/binhost/verify?repair=true", SwarmJsonContext.Default.VerifyReport);
        Assert.Equal(0, repaired.Remaining);
        Assert.All(repaired.Problems, p => Assert.True(p.Repaired));
        var (_, packages) = await BinhostHarness.IndexAsync(gateway.Anonymous, "binhost/amd64/Packages");
        Assert.Equal([good.Cpv], packages.Select(p => p["CPV"]));
        Assert.Equal(0, (await PostAsync(gateway, "api/gateway/binhost/verify", SwarmJsonContext.Default.VerifyReport)).Remaining);
    }

    private static async Task<BinhostReleaseView> PromoteAsync(InProcessGateway gateway, string target, string? name)
    {
        using var response = await gateway.Admin.PostAsJsonAsync($"api/gateway/binhost/targets/{target}/promote", new PromoteRequest(name), SwarmJsonContext.Default.PromoteRequest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.BinhostReleaseView))!;
    }

    private static async Task<T> PostAsync<T>(InProcessGateway gateway, string url, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var response = await gateway.Admin.PostAsync(url, null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(type))!;
    }
}

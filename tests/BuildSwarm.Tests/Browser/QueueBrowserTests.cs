using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BuildSwarm.Tests.Browser;

/// <summary>The dashboard says when a build stalls and why, and lets an operator retry it and pause the swarm.</summary>
public sealed class QueueBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task A_stalled_build_shows_its_reason_retry_restarts_it_and_pause_is_shown()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is not installed (apt-get install chromium); the dashboard browser test needs it");
        }

        await using var gateway = await InProcessGateway.StartAsync(o => o.MaxAttempts = 1);
        var site = await FleetSync.RegisterAsync(gateway.Cluster, "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, FleetSync.Drone("d-alpha", "alpha", 4, site: "lab"));
        await gateway.AdmitAsync("d-alpha"); // the gateway leases only to drones it admitted
        var build = await gateway.SubmitAsync(new PackageRequest("dev-libs/broken-1"), new PackageRequest("app-misc/above-1", ["dev-libs/broken-1"]),
            new PackageRequest("dev-libs/broken-2"), new PackageRequest("dev-libs/broken-3"));
        for (var i = 0; i < 3; i++)
        {
            using var lease = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(site, "d-alpha", "alpha"), SwarmJsonContext.Default.LeaseRequest);
            var job = (await lease.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.Single();
            (await gateway.Cluster.PostAsJsonAsync($"api/gateway/jobs/{job.JobId}/fail", new JobFailure(job.LeaseId, "exit 1"), SwarmJsonContext.Default.JobFailure)).Dispose();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        var secrets = (BuildSwarm.Gateway.GatewaySecrets)gateway.App.Services.GetService(typeof(BuildSwarm.Gateway.GatewaySecrets))!;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(secrets.AdminToken);
        await page.GotoAsync(gateway.Url + "/");

        var row = page.Locator($"#build-rows tr[data-build='{build.BuildId}']");
        await Assertions.Expect(row).ToContainTextAsync("stalled");
        await Assertions.Expect(row.Locator(".why")).ToContainTextAsync("dev-libs/broken-1: stuck: failed on alpha; no sweeper is online");
        await row.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = DashboardBrowserTests.Artifact("dashboard-stalled-build.png"), FullPage = true });

        // The Orchestrators card keeps its own height beside the taller failures card (three rows).
        await Assertions.Expect(page.Locator("#failure-rows tr")).ToHaveCountAsync(3);
        var orchestrators = await page.Locator("section", new() { Has = page.Locator("#orchestrator-rows") }).BoundingBoxAsync();
        var failures = await page.Locator("section", new() { Has = page.Locator("#failure-rows") }).BoundingBoxAsync();
        Assert.True(orchestrators!.Height + 40 < failures!.Height, $"orchestrators card {orchestrators.Height}px, failures card {failures.Height}px: it stretches");

        await row.Locator("button.queue-retry").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("3 jobs retried, 3 ready");
        await Assertions.Expect(row).ToContainTextAsync("running");
        await Assertions.Expect(row.Locator(".why")).ToHaveCountAsync(0);

        await page.Locator("#pause-button").ClickAsync();
        await Assertions.Expect(page.Locator("#paused")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#pause-button")).ToHaveTextAsync("Resume swarm");
        Assert.True((await gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Paused);
        await page.ScreenshotAsync(new() { Path = DashboardBrowserTests.Artifact("dashboard-paused.png") });
        await page.Locator("#pause-button").ClickAsync();
        await Assertions.Expect(page.Locator("#paused")).ToBeHiddenAsync();
        await row.Locator("button.queue-cancel").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("cancelled");
    }
}

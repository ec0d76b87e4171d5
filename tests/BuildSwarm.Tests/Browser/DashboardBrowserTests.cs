using System.Globalization;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BuildSwarm.Tests.Browser;

/// <summary>The dashboard in Debian's chromium against a real gateway; screenshots go to artifacts/.</summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Timeout = 15_000;

    [Fact]
    public async Task Dashboard_follows_the_swarm_live_and_shows_logs()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is not installed (apt-get install chromium); the dashboard browser test needs it");
        }

        await using var gateway = await InProcessGateway.StartAsync(o =>
        {
            o.MaxAttempts = 1;
            o.Energy.PricePerKwh = 0.30;
        });
        var site = await FleetSync.RegisterAsync(gateway.Cluster, "lab");
        var alpha = FleetSync.Drone("d-alpha", "alpha", 4, watts: 95, site: "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, alpha);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(gateway.Url + "/");
        await Assertions.Expect(page.Locator("#cores")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");

        // A drone joins: the count changes without a reload, through the event stream.
        var beta = FleetSync.Drone("d-beta", "beta", 8, watts: 140, site: "lab");
        var gamma = FleetSync.Drone("d-gamma", "gamma", 16, "pending", site: "lab");
        await FleetSync.SyncAsync(gateway.Cluster, site, alpha, beta, gamma);
        await Assertions.Expect(page.Locator("#cores")).ToHaveTextAsync("12");
        await Assertions.Expect(page.Locator("#cores-total")).ToHaveTextAsync("of 28 total");

        // The pending drone: Approve asks for the admin token once and calls the approve endpoint with it.
        var secrets = gateway.App.Services.GetService(typeof(BuildSwarm.Gateway.GatewaySecrets)) as BuildSwarm.Gateway.GatewaySecrets;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(secrets!.AdminToken);
        var approve = page.WaitForRequestAsync(r => r.Url.EndsWith("/api/gateway/drones/d-gamma/approve", StringComparison.Ordinal) && r.Method == "POST");
        await page.Locator("#pending-rows tr[data-drone='d-gamma'] button.approve").ClickAsync();
        var request = await approve;
        Assert.Equal("Bearer " + secrets!.AdminToken, await request.HeaderValueAsync("authorization"));
        Assert.Equal(secrets.AdminToken, await page.EvaluateAsync<string>("localStorage.getItem('buildswarm.adminToken')"));

        // A job fails with a log: it is listed, and a click shows its log.
        await gateway.SubmitAsync(new PackageRequest("dev-libs/broken-1"), new PackageRequest("app-misc/slow-2"));
        var failed = await LeaseAsync(gateway, site, "alpha");
        await ShipAsync(gateway, failed, 0, "checking for gcc... yes\nerror: <script>alert(1)</script> does not compile\n");
        using (var fail = await gateway.Cluster.PostAsJsonAsync($"api/gateway/jobs/{failed.JobId}/fail", new JobFailure(failed.LeaseId, "exit 1 <img src=x onerror=alert(1)>"), SwarmJsonContext.Default.JobFailure))
        {
            fail.EnsureSuccessStatusCode();
        }

        var row = page.Locator($"#failure-rows tr[data-job='{failed.JobId}']");
        await Assertions.Expect(row).ToContainTextAsync("exit 1 <img src=x onerror=alert(1)>"); // shown as text, not markup
        Assert.Equal(0, await page.Locator("img").CountAsync());
        await row.Locator("button.link").ClickAsync();
        await Assertions.Expect(page.Locator("#logtext")).ToContainTextAsync("error: <script>alert(1)</script> does not compile");
        await Assertions.Expect(page.Locator("#logstate")).ToHaveTextAsync("stuck");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-failed-log.png") });
        await page.Locator("#logclose").ClickAsync();

        // A running job: its log is followed live.
        var running = await LeaseAsync(gateway, site, "beta");
        await ShipAsync(gateway, running, 0, "step 1: unpack\n");
        beta = beta with { State = "building", Jobs = [running.Cpv] };
        await FleetSync.SyncAsync(gateway.Cluster, site, alpha, beta, gamma);
        await page.Locator("#sites button.link", new() { HasText = running.Cpv }).ClickAsync();
        await Assertions.Expect(page.Locator("#logtext")).ToContainTextAsync("step 1: unpack");
        await ShipAsync(gateway, running, 15, "step 2: compile\n");
        await Assertions.Expect(page.Locator("#logtext")).ToContainTextAsync("step 2: compile");
        await Assertions.Expect(page.Locator("#logstate")).ToHaveTextAsync("following");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-live-log.png") });
        await page.Locator("#logclose").ClickAsync();

        await Assertions.Expect(page.Locator("#watts")).ToHaveTextAsync("235 W");
        await Assertions.Expect(page.Locator("#progress-text")).ToHaveTextAsync("0 of 2 packages done");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-desktop.png"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-phone.png") });
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-phone-full.png"), FullPage = true });
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a phone-sized screen");
    }

    private static async Task<JobLease> LeaseAsync(InProcessGateway gateway, string orchestratorId, string drone)
    {
        using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestratorId, "d-" + drone, drone), SwarmJsonContext.Default.LeaseRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases.Single();
    }

    private static async Task ShipAsync(InProcessGateway gateway, JobLease lease, long offset, string text)
    {
        using var response = await gateway.Anonymous.PostAsync(
            $"api/gateway/jobs/{lease.JobId}/log?lease={lease.LeaseId}&offset={offset.ToString(CultureInfo.InvariantCulture)}", new StringContent(text));
        response.EnsureSuccessStatusCode();
    }

    private static string Artifact(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BuildSwarm.slnx")))
        {
            dir = dir.Parent;
        }

        var artifacts = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts");
        Directory.CreateDirectory(artifacts);
        return Path.Combine(artifacts, name);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Fleet;
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

        // A drone joins: the count changes without a reload, through the event stream. Gamma joins for real:
        // admitted through the gateway's admission API with a join token that does not approve it, so it waits.
        var join = await FleetApi.TokenAsync(gateway, new JoinTokenRequest());
        var (admitted, admission, body) = await FleetApi.AdmitAsync(gateway, FleetApi.Drone("gamma", "d-gamma") with { Cores = 16 }, join.Token);
        Assert.True(admitted == System.Net.HttpStatusCode.OK, body);
        Assert.Equal(DroneAdmissionStates.Pending, admission!.State);
        var beta = FleetSync.Drone("d-beta", "beta", 8, watts: 140, site: "lab");
        var gamma = FleetSync.Drone(admission.DroneId, admission.Name, 16, admission.State, site: "lab");
        await PlayOrchestratorAsync(gateway, site, alpha, beta, gamma);
        await Assertions.Expect(page.Locator("#cores")).ToHaveTextAsync("12");
        await Assertions.Expect(page.Locator("#cores-total")).ToHaveTextAsync("of 28 total");
        var pendingRow = page.Locator("#pending-rows tr[data-drone='d-gamma']");
        await Assertions.Expect(pendingRow).ToContainTextAsync("gamma");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-pending.png") });

        // Approve asks for the admin token once, calls the approve endpoint with it, and the gateway approves the drone.
        var secrets = gateway.App.Services.GetService(typeof(BuildSwarm.Gateway.GatewaySecrets)) as BuildSwarm.Gateway.GatewaySecrets;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(secrets!.AdminToken);
        var approve = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/gateway/drones/d-gamma/approve", StringComparison.Ordinal) && r.Request.Method == "POST");
        await pendingRow.Locator("button.approve").ClickAsync();
        var approved = await approve;
        Assert.Equal(200, approved.Status);
        Assert.Equal("Bearer " + secrets!.AdminToken, await approved.Request.HeaderValueAsync("authorization"));
        Assert.Equal(secrets.AdminToken, await page.EvaluateAsync<string>("localStorage.getItem('buildswarm.adminToken')"));
        Assert.Equal(DroneAdmissionStates.Approved, Assert.Single(await FleetApi.ListAsync(gateway), d => d.Id == "d-gamma").Admission);
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("gamma: approved");

        // The orchestrator learns the decision on its next sync and reports the drone online: the pending row goes
        // and gamma is listed among the drones, its cores counted.
        var decisions = await PlayOrchestratorAsync(gateway, site, alpha, beta, gamma);
        Assert.Equal(DroneAdmissionStates.Approved, Assert.Single(decisions, d => d.DroneId == "d-gamma").State);
        gamma = gamma with { State = "online" };
        await PlayOrchestratorAsync(gateway, site, alpha, beta, gamma);
        await Assertions.Expect(pendingRow).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#pending-section")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#sites")).ToContainTextAsync("gamma");
        await Assertions.Expect(page.Locator("#cores")).ToHaveTextAsync("28");

        // A job fails with a log: it is listed, and a click shows its log.
        await gateway.SubmitAsync(new PackageRequest("dev-libs/broken-1"), new PackageRequest("app-misc/slow-2"));
        await gateway.AdmitAsync(alpha.Id, beta.Id);
        var (failed, _) = await LeaseAsync(gateway, site, alpha, beta, gamma);
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
        var (running, builder) = await LeaseAsync(gateway, site, alpha, beta, gamma);
        await ShipAsync(gateway, running, 0, "step 1: unpack\n");
        DroneView[] fleet = [.. new[] { alpha, beta, gamma }.Select(d => d.Id == builder.Id ? d with { State = "building", Jobs = [running.Cpv] } : d)];
        await PlayOrchestratorAsync(gateway, site, fleet);
        await page.Locator("#sites button.link", new() { HasText = running.Cpv }).ClickAsync();
        await Assertions.Expect(page.Locator("#logtext")).ToContainTextAsync("step 1: unpack");
        await ShipAsync(gateway, running, 15, "step 2: compile\n");
        await Assertions.Expect(page.Locator("#logtext")).ToContainTextAsync("step 2: compile");
        await Assertions.Expect(page.Locator("#logstate")).ToHaveTextAsync("following");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-live-log.png") });
        await page.Locator("#logclose").ClickAsync();

        await Assertions.Expect(page.Locator("#watts")).ToHaveTextAsync("235 W");
        await Assertions.Expect(page.Locator("#energy-card")).ToContainTextAsync("Power now"); // a power figure, not "watts consumed"
        await Assertions.Expect(page.Locator("#kwh-today")).ToContainTextAsync("Energy today");
        await Assertions.Expect(page.Locator("#progress-text")).ToHaveTextAsync("0 of 2 packages done");
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-desktop.png"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-phone.png") });
        await page.ScreenshotAsync(new() { Path = Artifact("dashboard-phone-full.png"), FullPage = true });
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page scrolls sideways on a phone-sized screen");
    }

    /// <summary>Syncs as an orchestrator does and returns the gateway's decisions on the reported drones.</summary>
    private static async Task<IReadOnlyList<DroneDecision>> PlayOrchestratorAsync(InProcessGateway gateway, string orchestratorId, params DroneView[] drones)
    {
        using var response = await gateway.Cluster.PostAsJsonAsync($"api/gateway/orchestrators/{orchestratorId}/sync", new OrchestratorSync(drones), SwarmJsonContext.Default.OrchestratorSync);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.OrchestratorSyncReply))!.Drones;
    }

    /// <summary>Leases the next job for whichever drone the gateway's plan gives it to (it favours the biggest).</summary>
    private static async Task<(JobLease Lease, DroneView Drone)> LeaseAsync(InProcessGateway gateway, string orchestratorId, params DroneView[] drones)
    {
        foreach (var drone in drones)
        {
            using var response = await gateway.Cluster.PostAsJsonAsync("api/gateway/jobs/lease", new LeaseRequest(orchestratorId, drone.Id, drone.Name), SwarmJsonContext.Default.LeaseRequest);
            response.EnsureSuccessStatusCode();
            if ((await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.LeaseReply))!.Leases is [var lease])
            {
                return (lease, drone);
            }
        }

        throw new InvalidOperationException("no drone got a job");
    }

    private static async Task ShipAsync(InProcessGateway gateway, JobLease lease, long offset, string text)
    {
        using var response = await gateway.Anonymous.PostAsync(
            $"api/gateway/jobs/{lease.JobId}/log?lease={lease.LeaseId}&offset={offset.ToString(CultureInfo.InvariantCulture)}", new StringContent(text));
        response.EnsureSuccessStatusCode();
    }

    internal static string Artifact(string name)
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

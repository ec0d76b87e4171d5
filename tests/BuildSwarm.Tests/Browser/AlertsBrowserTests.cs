using System.Net.Http.Json;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Remote;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BuildSwarm.Tests.Browser;

/// <summary>A self-healing alert reaches the event stream and the dashboard while the page is open.</summary>
public sealed class AlertsBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task An_alert_shows_on_the_dashboard_live_and_on_the_event_stream()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is not installed (apt-get install chromium); the dashboard browser test needs it");
        }

        await using var gateway = await InProcessGateway.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(gateway.Url + "/");
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");
        await Assertions.Expect(page.Locator("#alerts-section")).ToBeHiddenAsync();

        var log = gateway.App.Services.GetRequiredService<ControlEventLog>();
        log.Record(new ControlEvent(DateTimeOffset.UtcNow, "vm-drone-7", "restart (ssh)", "failed", "ssh: connect to host 10.0.0.7 port 22: Connection refused", Alert: false));
        log.Record(new ControlEvent(DateTimeOffset.UtcNow, "vm-drone-7", "self-healing", "alert", "restart and reboot failed; leaving it alone for 30 min", Alert: true));

        await Assertions.Expect(page.Locator("#alerts-section")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#alert-rows tr")).ToHaveCountAsync(1); // steps that did not end in an alert are not listed
        await Assertions.Expect(page.Locator("#alert-rows")).ToContainTextAsync("vm-drone-7");
        await Assertions.Expect(page.Locator("#alert-rows")).ToContainTextAsync("restart and reboot failed");
        await page.ScreenshotAsync(new() { Path = DashboardBrowserTests.Artifact("dashboard-alert.png") });

        var events = await Poll.UntilAsync(async () =>
        {
            var list = await gateway.Anonymous.GetFromJsonAsync<JsonElement>("api/gateway/events?since=0&format=json");
            var types = list.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
            return types.Contains("control.alert") ? types : null;
        }, TimeSpan.FromSeconds(10), "control events on the stream");
        Assert.Contains("control.step", events);
    }
}

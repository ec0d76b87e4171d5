using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Remote;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Remote;

[Collection(RemoteLabCollection.Name)]
public sealed class SelfHealingTests(RemoteLab lab)
{
    [Fact]
    public async Task The_ladder_restarts_then_reboots_then_alerts_and_does_not_try_again_within_the_backoff()
    {
        lab.SkipUnlessAvailable();
        await File.WriteAllTextAsync(Path.Combine(lab.Sick.Dir, "fail-restart"), "", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(lab.Sick.Dir, "fail-reboot"), "", TestContext.Current.CancellationToken);
        var options = lab.Options(o =>
        {
            o.Hosts["sick"] = RemoteLab.ScriptedService(kind: "vm");
            o.SelfHealing.BackoffMinutes = 30;
        });
        var time = new ManualTime(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var kit = RemoteLab.Kit(options, time: time);
        var events = new ControlEventLog(NullLogger<ControlEventLog>.Instance);
        var healer = new SelfHealer(options, kit.Control, events, time, NullLogger<SelfHealer>.Instance);
        DroneView[] fleet = [new(lab.Sick.NodeId, "sick", "site", 4, 1024, 1, "offline", lab.SickAddress, [], time.GetUtcNow())];

        await healer.CheckAsync(fleet, TestContext.Current.CancellationToken);
        time.Now += TimeSpan.FromMinutes(29);
        await healer.CheckAsync(fleet, TestContext.Current.CancellationToken);

        Assert.True(lab.Sick.Actions.Count == 2, string.Join("\n", events.Recent(false).Select(e => $"{e.Step} {e.Outcome} {e.Detail}")));
        Assert.Equal(["restart", "reboot"], lab.Sick.Actions);
        var alert = Assert.Single(events.Recent(alertsOnly: true));
        Assert.Equal("sick", alert.Drone);
        Assert.Contains("restart and reboot did not bring it back", alert.Detail);
        Assert.Equal(["self-heal restart failed", "self-heal reboot failed", "self-heal alert alert"],
            events.Recent(alertsOnly: false).Reverse().Select(e => $"{e.Step} {e.Outcome}"));

        time.Now += TimeSpan.FromMinutes(2);
        await healer.CheckAsync(fleet, TestContext.Current.CancellationToken);
        Assert.Equal(["restart", "reboot", "restart", "reboot"], lab.Sick.Actions);
    }

    [Fact]
    public async Task A_metal_drone_is_not_rebooted_by_the_ladder()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o => o.Hosts["inner1"] = RemoteLab.ScriptedService(kind: "metal"));
        options.Hosts["inner1"].JumpHosts = [lab.JumpAAddress];
        await File.WriteAllTextAsync(Path.Combine(lab.Inner1.Dir, "fail-restart"), "", TestContext.Current.CancellationToken);
        try
        {
            var events = new ControlEventLog(NullLogger<ControlEventLog>.Instance);
            var healer = new SelfHealer(options, RemoteLab.Kit(options).Control, events, TimeProvider.System, NullLogger<SelfHealer>.Instance);
            var before = lab.Inner1.Actions.Count;

            await healer.CheckAsync([new(lab.Inner1.NodeId, "inner1", "site", 4, 1024, 1, "offline", lab.Inner1Address, [], DateTimeOffset.UtcNow)],
                TestContext.Current.CancellationToken);

            Assert.Equal(["restart"], lab.Inner1.Actions.Skip(before));
            Assert.Contains("metal", Assert.Single(events.Recent(alertsOnly: true)).Detail);
        }
        finally
        {
            File.Delete(Path.Combine(lab.Inner1.Dir, "fail-restart"));
        }
    }
}

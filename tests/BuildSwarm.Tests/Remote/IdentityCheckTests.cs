using BuildSwarm.Cli.Push;
using BuildSwarm.Remote;

namespace BuildSwarm.Tests.Remote;

[Collection(RemoteLabCollection.Name)]
public sealed class IdentityCheckTests(RemoteLab lab)
{
    [Fact]
    public async Task A_node_whose_address_now_belongs_to_another_machine_is_refused_and_nothing_runs()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o => o.Hosts["old-drone"] = RemoteLab.ScriptedService());
        var kit = RemoteLab.Kit(options);
        var target = new RemoteTarget("old-drone", "d-00000000000000aa", lab.DirectAddress);
        var before = lab.Direct.Actions.Count;

        var error = await Assert.ThrowsAsync<RemoteRefusedException>(() => kit.Control.ConnectAsync(target, TestContext.Current.CancellationToken));
        var push = await kit.Push.PushAsync(target, "/nonexistent", "9.9.9", null, TestContext.Current.CancellationToken);

        Assert.Contains("d-00000000000000aa", error.Message);
        Assert.Contains(lab.Direct.NodeId, error.Message);
        Assert.Contains(lab.DirectAddress, error.Message);
        Assert.Equal(PushOutcome.Refused, push.Result);
        Assert.Equal(before, lab.Direct.Actions.Count);
    }

    [Fact]
    public async Task A_command_is_not_run_when_the_node_id_changed_after_the_check()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o => o.Hosts["direct"] = RemoteLab.ScriptedService());
        var kit = RemoteLab.Kit(options);
        var target = new RemoteTarget("direct", "d-00000000000000bb", lab.DirectAddress);
        var stale = new RemoteSession(target, new RemoteRoute(RemoteRoute.Reported, lab.DirectAddress), target.NodeId, options.WorkDir);
        var before = lab.Direct.Actions.Count;

        var result = await kit.Control.RestartServiceAsync(stale, TestContext.Current.CancellationToken);

        Assert.Equal(IdentityGuard.MismatchExitCode, result.ExitCode);
        Assert.Equal(before, lab.Direct.Actions.Count);
    }

    [Fact]
    public async Task The_controller_refuses_to_act_on_its_own_address()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o => o.Hosts["selfie"] = RemoteLab.ScriptedService(kind: "vm"));
        var kit = RemoteLab.Kit(options);

        foreach (var own in new[] { lab.ControllerAddress, "127.0.0.1" })
        {
            var error = await Assert.ThrowsAsync<RemoteRefusedException>(() =>
                kit.Control.ConnectAsync(new RemoteTarget("selfie", "d-self", own), TestContext.Current.CancellationToken));
            Assert.Contains(own, error.Message);
            Assert.Contains("own addresses", error.Message);
        }
    }
}

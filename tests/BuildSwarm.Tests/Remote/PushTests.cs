using BuildSwarm.Cli.Push;
using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Remote;

[Collection(RemoteLabCollection.Name)]
public sealed class PushTests(RemoteLab lab)
{
    [Fact]
    public async Task Push_updates_three_nodes_in_parallel_and_rolls_back_the_one_that_fails_its_health_check()
    {
        lab.SkipUnlessAvailable();
        using var dir = new TempDir();
        var publish = dir.Sub("publish");
        FakeBuild.Write(publish, "2.0.0");
        var options = lab.Options(o =>
        {
            foreach (var (node, _) in lab.PushNodes)
            {
                o.Hosts[node.Name] = RemoteLab.ScriptedService();
            }
        });
        foreach (var (node, _) in lab.PushNodes)
        {
            node.InstallRelease("1.0.0");
        }

        var failing = lab.PushNodes[2].Node;
        await File.WriteAllTextAsync(Path.Combine(failing.Dir, "fail-version-2.0.0"), "", TestContext.Current.CancellationToken);
        var kit = RemoteLab.Kit(options);
        var version = await PushRunner.PublishedVersionAsync(publish, TestContext.Current.CancellationToken);

        var outcomes = await Task.WhenAll(lab.PushNodes.Select(p =>
            kit.Push.PushAsync(new RemoteTarget(p.Node.Name, p.Node.NodeId, p.Address), publish, version, null, TestContext.Current.CancellationToken)));

        Assert.Equal("2.0.0", version);
        Assert.True(outcomes[0].Result == PushOutcome.Updated, string.Join("\n", outcomes.Select(o => $"{o.Drone} {o.Result} {o.Detail}")));
        Assert.Equal([PushOutcome.Updated, PushOutcome.Updated, PushOutcome.RolledBack], outcomes.Select(o => o.Result));
        Assert.Equal("releases/2.0.0", lab.PushNodes[0].Node.CurrentRelease);
        Assert.Equal("releases/2.0.0", lab.PushNodes[1].Node.CurrentRelease);
        Assert.Equal("releases/1.0.0", failing.CurrentRelease);
        Assert.True(File.Exists(Path.Combine(failing.Dir, "opt", "releases", "2.0.0", "BuildSwarm.dll")));
        Assert.Equal("custom", outcomes[0].Init);
        Assert.Equal(["restart", "status"], lab.PushNodes[0].Node.Actions.TakeLast(2));
        Assert.Equal("restart", failing.Actions[^2]);
    }
}

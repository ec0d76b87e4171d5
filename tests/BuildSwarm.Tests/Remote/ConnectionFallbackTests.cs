using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Remote;

[Collection(RemoteLabCollection.Name)]
public sealed class ConnectionFallbackTests(RemoteLab lab)
{
    [Fact]
    public async Task A_direct_node_is_reached_at_its_reported_address_and_the_route_is_remembered()
    {
        lab.SkipUnlessAvailable();
        using var dir = new TempDir();
        var routes = RouteMemory.FileIn(dir.Path);
        var kit = RemoteLab.Kit(lab.Options(), routes);

        var session = await kit.Routes.ConnectAsync(new RemoteTarget("direct", lab.Direct.NodeId, lab.DirectAddress), TestContext.Current.CancellationToken);

        Assert.Equal(new RemoteRoute(RemoteRoute.Reported, lab.DirectAddress), session.Route);
        Assert.Equal(lab.Direct.NodeId, session.RemoteNodeId);
        Assert.Contains(lab.DirectAddress, await File.ReadAllTextAsync(routes, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_override_address_is_tried_when_the_reported_one_fails_and_a_dead_remembered_route_is_replaced()
    {
        lab.SkipUnlessAvailable();
        using var dir = new TempDir();
        var routes = RouteMemory.FileIn(dir.Path);
        var options = lab.Options(o => o.Hosts["moved-nic"] = new RemoteHostOptions { Address = lab.DirectAddress });
        var target = new RemoteTarget("moved-nic", lab.Direct.NodeId, lab.DeadAddress);
        new RouteMemory(routes, TimeProvider.System).Remember("moved-nic", new RemoteRoute(RemoteRoute.Reported, lab.DeadAddress));

        var session = await RemoteLab.Kit(options, routes).Routes.ConnectAsync(target, TestContext.Current.CancellationToken);

        Assert.Equal(new RemoteRoute(RemoteRoute.Override, lab.DirectAddress), session.Route);
        Assert.Equal(session.Route, new RouteMemory(routes, TimeProvider.System).Get("moved-nic")?.Route);
    }

    [Fact]
    public async Task A_node_reachable_only_through_one_jump_host_is_reached_with_ProxyJump_and_restarted()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o =>
        {
            o.Hosts["inner1"] = RemoteLab.ScriptedService();
            o.Hosts["inner1"].JumpHosts = [lab.JumpAAddress];
        });
        var kit = RemoteLab.Kit(options);
        var before = lab.Inner1.Actions.Count;

        var session = await kit.Control.ConnectAsync(new RemoteTarget("inner1", lab.Inner1.NodeId, lab.Inner1Address), TestContext.Current.CancellationToken);
        var restart = await kit.Control.RestartServiceAsync(session, TestContext.Current.CancellationToken);

        Assert.Equal(new RemoteRoute(RemoteRoute.ProxyJump, lab.Inner1Address, lab.JumpAAddress), session.Route);
        Assert.True(restart.Ok, restart.Stderr);
        Assert.Equal("restart", Assert.Single(lab.Inner1.Actions.Skip(before)));
    }

    [Fact]
    public async Task A_node_behind_two_hops_is_reached_through_its_sites_jump_chain()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o =>
        {
            o.Sites["far"] = new RemoteSiteOptions { JumpHosts = [$"{lab.JumpAAddress},{lab.JumpBAddress}"] };
            o.Hosts["inner2"] = RemoteLab.ScriptedService();
        });
        var kit = RemoteLab.Kit(options);
        var target = new RemoteTarget("inner2", lab.Inner2.NodeId, lab.Inner2Address, Site: "far");

        var session = await kit.Control.ConnectAsync(target, TestContext.Current.CancellationToken);
        var restart = await kit.Control.RestartServiceAsync(session, TestContext.Current.CancellationToken);

        Assert.Equal($"{lab.JumpAAddress},{lab.JumpBAddress}", session.Route.Jump);
        Assert.Equal(lab.Inner2.NodeId, session.RemoteNodeId);
        Assert.True(restart.Ok, restart.Stderr);
        Assert.Contains("restart", lab.Inner2.Actions);
    }

    [Fact]
    public async Task A_drone_no_route_reaches_is_reported_with_every_route_tried()
    {
        lab.SkipUnlessAvailable();
        var options = lab.Options(o => o.JumpHosts = [lab.DeadAddress]);

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() =>
            RemoteLab.Kit(options).Routes.ConnectAsync(new RemoteTarget("ghost", "d-ghost", lab.DeadAddress), TestContext.Current.CancellationToken));

        Assert.Contains($"reported {lab.DeadAddress}", error.Message);
        Assert.Contains($"jump {lab.DeadAddress} -> {lab.DeadAddress}", error.Message);
    }
}

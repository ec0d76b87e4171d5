using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;
using BuildSwarm.Tests.EndToEnd;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Fleet;

/// <summary>Admission end to end: separate gateway, orchestrator and drone processes, decisions made with the CLI.</summary>
[Collection(MultiProcessCollection.Name)]
public sealed class PendingDroneTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_pending_drone_gets_no_work_until_approved_with_the_cli_then_rejection_refuses_it()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var token = await swarm.CreateJoinTokenAsync(new JoinTokenRequest(SingleUse: true, Note: "test container"));
        var demo = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "0.1" };
        var joinWith = new Dictionary<string, string> { ["BUILDSWARM_Drone__JoinToken"] = token.Token };
        var drone = swarm.StartDrone("newbox", SwarmProcess.DemoBuilder, builderEnvironment: demo, environment: joinWith);
        string[] admin = ["--gateway", swarm.GatewayUrl, "--token", swarm.AdminToken];

        var first = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/hello-1.0")]));

        // Pending: listed with what it offers, and told why it gets nothing.
        var pending = await Poll.UntilAsync(async () =>
            (await ListAsync(admin)).SingleOrDefault(d => d.Name == "newbox" && d.Admission == DroneAdmissionStates.Pending),
            Timeout, "newbox to be listed as pending", () => swarm.Logs);
        Assert.Equal(4, pending.Cores);
        Assert.True(pending.RamMb > 0);
        Assert.NotEmpty(pending.Addresses);
        await Poll.UntilAsync(() => Task.FromResult(drone.Output.Contains("Pending approval", StringComparison.Ordinal)),
            Timeout, "the orchestrator to refuse work to the pending drone", () => swarm.Logs);
        Assert.All((await swarm.BuildAsync(first.BuildId)).Jobs, j => Assert.Equal(JobState.Ready, j.State));

        Assert.Contains("approved", await CliRun.OkAsync(null, ["drones", "approve", "newbox", .. admin]), StringComparison.Ordinal);
        Assert.Equal("done", (await swarm.WaitForBuildAsync(first.BuildId, Timeout)).State);

        // A restart needs no join token (its single use is spent): the drone's own credential readmits it, approved.
        await drone.KillAsync();
        Assert.True(File.Exists(Path.Combine(swarm.Root, "newbox", "credential")));
        drone = swarm.StartDrone("newbox", SwarmProcess.DemoBuilder, builderEnvironment: demo, environment: joinWith);
        var second = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/world-2.0")]));
        Assert.Equal("done", (await swarm.WaitForBuildAsync(second.BuildId, Timeout)).State);
        Assert.Single(await ListAsync(admin));

        // Rejected: every call is refused, and work waits for another drone.
        Assert.Contains("rejected", await CliRun.OkAsync(null, ["drones", "reject", pending.Id, .. admin]), StringComparison.Ordinal);
        await Poll.UntilAsync(() => Task.FromResult(drone.Output.Contains("was rejected by an operator", StringComparison.Ordinal)),
            Timeout, "the drone to be refused", () => swarm.Logs);
        var third = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/again-1.0")]));
        var refusals = Count(drone.Output, "was rejected by an operator");
        await Poll.UntilAsync(() => Task.FromResult(Count(drone.Output, "was rejected by an operator") > refusals),
            Timeout, "the drone to be refused again", () => swarm.Logs);
        Assert.All((await swarm.BuildAsync(third.BuildId)).Jobs, j => Assert.Equal(JobState.Ready, j.State));
        Assert.Equal(DroneAdmissionStates.Rejected, (await ListAsync(admin)).Single().Admission);
    }

    [Fact]
    public async Task An_approval_survives_restarts_of_the_gateway_and_the_orchestrator()
    {
        await using var swarm = new LocalSwarm();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();
        var token = await swarm.CreateJoinTokenAsync(new JoinTokenRequest(SingleUse: true));
        var demo = new Dictionary<string, string> { ["BUILDSWARM_DEMO_SECONDS"] = "0.1" };
        swarm.StartDrone("keeper", SwarmProcess.DemoBuilder, builderEnvironment: demo,
            environment: new() { ["BUILDSWARM_Drone__JoinToken"] = token.Token });
        string[] admin = ["--gateway", swarm.GatewayUrl, "--token", swarm.AdminToken];
        await Poll.UntilAsync(async () => (await ListAsync(admin)).Any(d => d.Name == "keeper"), Timeout, "keeper to be listed", () => swarm.Logs);
        await CliRun.OkAsync(null, ["drones", "approve", "keeper", .. admin]);
        await CliRun.OkAsync(null, ["drones", "rename", "keeper", "attic-box", .. admin]);

        await swarm.Orchestrator!.KillAsync();
        await swarm.Gateway!.KillAsync();
        await swarm.StartGatewayAsync();
        await swarm.StartOrchestratorAsync();

        // The drone registers again with its credential (its token is spent) and is still approved, under its new name.
        var build = await swarm.SubmitAsync(new SubmitBuildRequest([new PackageRequest("app-misc/hello-1.0")]));
        var done = await swarm.WaitForBuildAsync(build.BuildId, Timeout);
        Assert.Equal("done", done.State);
        Assert.Equal("attic-box", Assert.Single(done.Jobs).Drone);
        var drone = Assert.Single(await ListAsync(admin));
        Assert.Equal((DroneAdmissionStates.Approved, "attic-box"), (drone.Admission, drone.Name));
    }

    private static async Task<IReadOnlyList<FleetDrone>> ListAsync(string[] admin) =>
        JsonSerializer.Deserialize(await CliRun.OkAsync(null, ["drones", "list", "--json", .. admin]), SwarmJsonContext.Default.IReadOnlyListFleetDrone)!;

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}

using System.Net;
using System.Net.Http.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Scheduling;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Jobs;

public sealed class DrainTests
{
    [Fact]
    public async Task A_drained_drone_keeps_its_job_gets_nothing_new_and_the_drain_survives_a_restart()
    {
        var gateway = await InProcessGateway.StartAsync();
        try
        {
            var fleet = await FakeOrchestrator.StartAsync(gateway, ("fast", 16, 2, DroneRole.Normal), ("slow", 4, 1, DroneRole.Normal));
            await gateway.SubmitAsync(Enumerable.Range(1, 4).Select(i => new PackageRequest($"app-misc/p{i}-1.0")).ToArray());
            var held = await fleet.LeaseExpectingAsync("fast");

            using (var drain = await gateway.Admin.PostAsync("api/gateway/drones/fast/drain", null))
            {
                Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
                var reply = (await drain.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneDrainReply))!;
                Assert.True(reply.Drained);
            }

            Assert.Null(await fleet.LeaseAsync("fast"));
            Assert.NotNull(await fleet.LeaseAsync("slow")); // the work goes to the other drone
            Assert.Empty((await fleet.RenewAsync(held.LeaseId)).Expired); // what it has, it finishes

            gateway = await gateway.RestartAsync();
            fleet = await FakeOrchestrator.StartAsync(gateway, ("fast", 16, 2, DroneRole.Normal), ("slow", 4, 1, DroneRole.Normal));
            Assert.Equal("drained", (await fleet.StatusDronesAsync()).Single(d => d.Name == "fast").State);
            Assert.Null(await fleet.LeaseAsync("fast"));

            using (var undrain = await gateway.Admin.PostAsync("api/gateway/drones/fast/undrain", null))
            {
                Assert.Equal(HttpStatusCode.OK, undrain.StatusCode);
            }

            Assert.NotNull(await fleet.LeaseAsync("fast"));
            Assert.Equal("online", (await fleet.StatusDronesAsync()).Single(d => d.Name == "fast").State);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task Draining_needs_the_admin_token_and_a_known_drone()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        await FakeOrchestrator.StartAsync(gateway, ("a", 8, 1, DroneRole.Normal));

        using var anonymous = await gateway.Anonymous.PostAsync("api/gateway/drones/a/drain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var cluster = await gateway.Cluster.PostAsync("api/gateway/drones/a/drain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, cluster.StatusCode);
        using var unknown = await gateway.Admin.PostAsync("api/gateway/drones/nobody/drain", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("nobody", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var drones = (await gateway.Anonymous.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones;
        Assert.Equal("online", Assert.Single(drones).State);
    }
}

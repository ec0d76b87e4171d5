using System.CommandLine;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary><c>drones drain|undrain</c>: take a drone out of scheduling and back.</summary>
internal static class DronesCommand
{
    /// <summary>The scheduling subcommands of the <c>drones</c> group.</summary>
    public static IEnumerable<Command> Scheduling() =>
    [
        Drain("drain", "Let a drone finish its jobs and lease it nothing new", drained: true),
        Drain("undrain", "Let a drained drone take work again", drained: false),
        Drain("pause", "Pause a drone: it finishes its jobs and is leased nothing new (the same switch as drain)", drained: true),
        Drain("resume", "Let a paused drone take work again (the same switch as undrain)", drained: false),
        Limit(),
    ];

    /// <summary>How a drone's state reads for an operator: a grounded drone says until when.</summary>
    public static string StateText(DroneView drone) =>
        drone.GroundedUntil is { } until
            ? $"grounded until {until.ToLocalTime():yyyy-MM-dd HH:mm:ss}"
            : drone.State;

    private static Command Drain(string name, string description, bool drained)
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var drone = new Argument<string>("drone") { Description = "Drone id or name, as 'drones list' shows them" };
        var command = new Command(name, description) { drone, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.PostAsync($"api/gateway/drones/{Uri.EscapeDataString(parse.GetValue(drone)!)}/{name}", null, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"{name} refused ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, ct)}");
            }

            var reply = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneDrainReply, ct))!;
            Output.Line(parse.GetValue(json) ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.DroneDrainReply) : $"{reply.Name}: {(reply.Drained ? name == "pause" ? "paused" : "drained" : name == "resume" ? "resumed" : "undrained")} (now {reply.State})");
            return 0;
        });
        return command;
    }

    private static Command Limit()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var drone = new Argument<string>("drone") { Description = "Drone id or name, as 'drones list' shows them" };
        var cores = new Option<int?>("--cores") { Description = "Most cores the drone is asked to use (its slots and each job's make jobs shrink to fit)" };
        var none = new Option<bool>("--none") { Description = "Lift the limit" };
        var command = new Command("limit", "Cap the cores a drone is asked to use, e.g. a NAS that yields to its owner") { drone, cores, none, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            var limit = parse.GetValue(cores);
            if (limit is null == !parse.GetValue(none))
            {
                throw new UsageException("drones limit: give --cores N or --none");
            }

            if (limit is < 1)
            {
                throw new UsageException($"drones limit: --cores {limit} must be at least 1");
            }

            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var name = parse.GetValue(drone)!;
            using var response = await connection.ReachAsync(() => connection.Http.PostAsJsonAsync($"api/gateway/drones/{Uri.EscapeDataString(name)}/limit",
                new DroneLimitRequest(limit), SwarmJsonContext.Default.DroneLimitRequest, ct));
            await AdminCalls.EnsureAsync(response, $"limit drone {name}", ct);
            var reply = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.DroneLimitReply, ct))!;
            Output.Line(parse.GetValue(json)
                ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.DroneLimitReply)
                : reply.Cores is { } n ? $"{reply.Name}: at most {n} cores (now {reply.State})" : $"{reply.Name}: no core limit (now {reply.State})");
            return 0;
        });
        return command;
    }
}

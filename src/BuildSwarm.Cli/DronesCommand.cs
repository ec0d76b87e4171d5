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
            Output.Line(parse.GetValue(json) ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.DroneDrainReply) : $"{reply.Name}: {(reply.Drained ? "drained" : "undrained")} (now {reply.State})");
            return 0;
        });
        return command;
    }
}

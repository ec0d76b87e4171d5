using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Cli;

/// <summary><c>swarm pause|resume</c>: hold back every new lease, and let them go again.</summary>
internal static class SwarmCommand
{
    public static Command Create()
    {
        var command = new Command("swarm", "The whole swarm: pause it (running jobs finish, nothing new starts) or resume it");
        command.Subcommands.Add(Switch("pause", "Lease no new job to any drone; jobs that run now finish"));
        command.Subcommands.Add(Switch("resume", "Lease jobs again after a pause"));
        return command;
    }

    private static Command Switch(string name, string description)
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var command = new Command(name, description) { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.ReachAsync(() => connection.Http.PostAsync($"api/gateway/swarm/{name}", null, ct));
            await AdminCalls.EnsureAsync(response, $"{name} the swarm", ct);
            var reply = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.SwarmPauseReply, ct))!;
            Output.Line(parse.GetValue(json)
                ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.SwarmPauseReply)
                : reply.Paused
                    ? $"swarm paused: no new leases; {reply.Running.ToString(CultureInfo.InvariantCulture)} running jobs finish"
                    : "swarm resumed: drones take work again");
            return 0;
        });
        return command;
    }
}

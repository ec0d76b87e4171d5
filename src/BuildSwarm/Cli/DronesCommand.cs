using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using Spectre.Console;

namespace BuildSwarm.Cli;

/// <summary><c>drones list|drain|undrain</c>: the fleet as the gateway schedules it.</summary>
internal static class DronesCommand
{
    public static Command Create() => new("drones", "List drones, drain them (finish what they have, take nothing new) and undrain them")
    {
        List(),
        Drain("drain", "Let a drone finish its jobs and lease it nothing new", drained: true),
        Drain("undrain", "Let a drained drone take work again", drained: false),
    };

    private static Command List()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var command = new Command("list", "List drones: site, state (draining, drained, grounded until ...), role, cores, slots, jobs") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            IReadOnlyList<DroneView> drones;
            try
            {
                drones = (await connection.Http.GetFromJsonAsync("api/gateway/drones", SwarmJsonContext.Default.IReadOnlyListDroneView, ct))!;
            }
            catch (HttpRequestException ex)
            {
                throw new CliException($"cannot reach the gateway at {connection.Url}: {ex.Message}");
            }

            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(drones, SwarmJsonContext.Default.IReadOnlyListDroneView));
                return 0;
            }

            var table = new Table().AddColumns("Drone", "Site", "State", "Role", "Cores", "Slots", "Building");
            foreach (var d in drones)
            {
                table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Site), Markup.Escape(StateText(d)), d.Role.ToString().ToLowerInvariant(),
                    d.Cores.ToString(CultureInfo.InvariantCulture), d.Slots.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", d.Jobs)));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>How a drone's state reads for an operator: a grounded drone says until when.</summary>
    public static string StateText(DroneView drone) =>
        drone.GroundedUntil is { } until
            ? $"grounded until {until.ToLocalTime():yyyy-MM-dd HH:mm:ss}"
            : drone.State;

    private static Command Drain(string name, string description, bool drained)
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var drone = new Argument<string>("name") { Description = "Drone name, as 'drones list' shows it" };
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
            Output.Line(parse.GetValue(json) ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.DroneDrainReply) : $"{reply.Name}: {reply.State}");
            return 0;
        });
        return command;
    }
}

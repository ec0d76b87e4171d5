using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary><c>drones routes|reboot|restart</c>: the fleet with its SSH routes, and control actions through the gateway.</summary>
internal static class DroneCommands
{
    /// <summary>The remote-control subcommands of the <c>drones</c> group.</summary>
    public static IEnumerable<Command> Control() => [Routes(), Action("reboot"), Action("restart")];

    public static Command Routes()
    {
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var command = new Command("routes", "List drones with their address, kind and the SSH route that last worked") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var status = await connection.ReachAsync(() => connection.StatusAsync(ct));
            var routes = await connection.ReachAsync(async () =>
                (await connection.Http.GetFromJsonAsync("api/gateway/remote/routes", SwarmJsonContext.Default.IReadOnlyListRemoteRouteView, ct))!);
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(status.Drones, SwarmJsonContext.Default.IReadOnlyListDroneView));
                return 0;
            }

            var byDrone = routes.ToDictionary(r => r.Drone, StringComparer.Ordinal);
            var table = Output.Table("Drone", "Id", "Site", "State", "Kind", "Address", "SSH route");
            foreach (var d in status.Drones)
            {
                table.Row(d.Name, d.Id, d.Site, d.State, d.Kind ?? "?", d.Address ?? "", byDrone.TryGetValue(d.Name, out var r) ? r.Route : "-");
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Action(string action)
    {
        var name = new Argument<string>("name") { Description = "Drone name" };
        var force = new Option<bool>("--force") { Description = "Reboot even a drone not marked as VM/container" };
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var description = action == "reboot"
            ? "Reboot a drone's host (VMs and containers only unless --force); never the gateway's or an orchestrator's host"
            : "Restart a drone's service";
        var command = new Command(action, description) { name, gateway, token, data, json };
        if (action == "reboot")
        {
            command.Add(force);
        }

        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var body = new ControlCommand(action, parse.GetValue(name)!, parse.GetValue(force));
            using var response = await connection.ReachAsync(() => connection.Http.PostAsJsonAsync("api/command", body, SwarmJsonContext.Default.ControlCommand, ct));
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"{action} of drone {body.Drone} refused ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, ct)}");
            }

            var result = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.ControlResult, ct))!;
            Output.Line(parse.GetValue(json)
                ? JsonSerializer.Serialize(result, SwarmJsonContext.Default.ControlResult)
                : string.Create(CultureInfo.InvariantCulture, $"{result.Action} {result.Drone}: {result.Detail}{(result.Route is null ? "" : $" ({result.Route})")}"));
            return 0;
        });
        return command;
    }
}

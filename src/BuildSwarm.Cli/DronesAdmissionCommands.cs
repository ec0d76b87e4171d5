using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Cli;

/// <summary><c>drones list|approve|reject|revoke|reset|rename</c>: operator decisions, made on the gateway (admin token).</summary>
internal static class DronesAdmissionCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return List();
        yield return Decide("approve", "Let a pending (or refused) drone take work");
        yield return Decide("reject", "Refuse a drone: every call it makes is refused");
        yield return Decide("revoke", "Withdraw an approved drone's admission: every call it makes is refused");
        yield return Decide("reset", "Unbind a drone that lost its credential: it is pending until a join token enrolls it again");
        yield return Rename();
    }

    private static Command List()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var command = new Command("list", "List drones with their admission state and addresses") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.GetAsync("api/gateway/drones", ct);
            await AdminCalls.EnsureAsync(response, "list drones", ct);
            var drones = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.IReadOnlyListFleetDrone, ct))!;
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(drones, SwarmJsonContext.Default.IReadOnlyListFleetDrone));
                return 0;
            }

            var table = Output.Table("Id", "Name", "Host", "Admission", "State", "Site", "Cores", "RAM MB", "Address", "Seen from");
            foreach (var d in drones)
            {
                var seen = d.MaskedByGateway ? "(our own address: masked)" : d.ObservedAddress ?? "";
                table.Row(d.Id, d.Name, d.HostName, d.Admission, d.State, d.Site ?? "", d.Cores.ToString(CultureInfo.InvariantCulture), d.RamMb.ToString(CultureInfo.InvariantCulture),
                    (d.Address ?? "") + (d.BehindNat ? " (behind NAT)" : ""), seen);
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Decide(string verb, string description)
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var drone = new Argument<string>("drone") { Description = "Drone id or name" };
        var command = new Command(verb, description) { drone, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.PostAsync($"api/gateway/drones/{Uri.EscapeDataString(parse.GetValue(drone)!)}/{verb}", null, ct);
            return await PrintAsync(response, $"{verb} drone '{parse.GetValue(drone)}'", parse.GetValue(json), ct);
        });
        return command;
    }

    private static Command Rename()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var drone = new Argument<string>("drone") { Description = "Drone id or current name" };
        var name = new Argument<string>("new-name") { Description = "New name" };
        var command = new Command("rename", "Give a drone the name it is shown with") { drone, name, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.PostAsJsonAsync($"api/gateway/drones/{Uri.EscapeDataString(parse.GetValue(drone)!)}/rename",
                new DroneRename(parse.GetValue(name)!), SwarmJsonContext.Default.DroneRename, ct);
            return await PrintAsync(response, $"rename drone '{parse.GetValue(drone)}'", parse.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> PrintAsync(HttpResponseMessage response, string what, bool json, CancellationToken ct)
    {
        await AdminCalls.EnsureAsync(response, what, ct);
        var drone = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.FleetDrone, ct))!;
        Output.Line(json ? JsonSerializer.Serialize(drone, SwarmJsonContext.Default.FleetDrone) : $"{drone.Id} {drone.Name}: {drone.Admission}");
        return 0;
    }
}

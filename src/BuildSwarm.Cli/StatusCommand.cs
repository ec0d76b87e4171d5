using System.CommandLine;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using Spectre.Console;

namespace BuildSwarm.Cli;

/// <summary><c>status</c>: drones, cores online and jobs by state.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep a live view on screen, updated from the gateway's event stream" };
        var command = new Command("status", "Show the swarm: drones, cores online, jobs by state") { gateway, token, data, json, watch };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            if (parse.GetValue(watch))
            {
                if (parse.GetValue(json))
                {
                    throw new UsageException("--watch and --json do not go together: use 'status --json' in scripts");
                }

                await StatusWatch.RunAsync(connection, ct);
                return 0;
            }

            SwarmStatus status;
            try
            {
                status = await connection.StatusAsync(ct);
            }
            catch (HttpRequestException ex)
            {
                throw new CliException($"cannot reach the gateway at {connection.Url}: {ex.Message}");
            }

            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(status, SwarmJsonContext.Default.SwarmStatus));
                return 0;
            }

            Render(status, await RoutesAsync(connection, ct), connection.Url);
            return 0;
        });
        return command;
    }

    /// <summary>The SSH route that last reached each drone; a gateway without remote control answers none.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> RoutesAsync(GatewayConnection connection, CancellationToken ct)
    {
        try
        {
            var routes = await connection.Http.GetFromJsonAsync("api/gateway/remote/routes", SwarmJsonContext.Default.IReadOnlyListRemoteRouteView, ct);
            return (routes ?? []).ToDictionary(r => r.Drone, r => r.Route, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return new Dictionary<string, string>();
        }
    }

    private static void Render(SwarmStatus status, IReadOnlyDictionary<string, string> routes, string url)
    {
        AnsiConsole.MarkupLine($"[bold]BuildSwarm[/] {Markup.Escape(status.Version)} at {Markup.Escape(url)}");
        AnsiConsole.MarkupLine($"Cores online: [bold]{status.CoresOnline}[/]   Drones online: [bold]{status.DronesOnline}[/]   Binhost packages: [bold]{status.BinhostPackages}[/]");

        var drones = Output.Table("Drone", "Site", "State", "Cores", "Slots", "Address", "SSH route", "Building");
        foreach (var drone in status.Drones)
        {
            var cores = drone.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture) + (drone.CoreLimit is { } limit ? $" (max {limit})" : "");
            drones.Row(drone.Name, drone.Site, DronesCommand.StateText(drone), cores, drone.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (drone.Address ?? "") + (drone.BehindNat ? " (NAT)" : ""), routes.GetValueOrDefault(drone.Name) ?? "-", string.Join(", ", drone.Jobs));
        }

        Output.Write(drones);

        if (status.Sites is { Count: > 0 } sites)
        {
            var table = Output.Table("Site", "Reachable", "Synced", "Cores", "Drones", "Jobs", "Orchestrators");
            foreach (var site in sites)
            {
                var invariant = System.Globalization.CultureInfo.InvariantCulture;
                table.Row(site.Site, site.Reachable ? "yes" : "NO",
                    site.LastSyncAgeSeconds is { } age ? $"{age:0}s ago" : "never",
                    site.CoresOnline.ToString(invariant), $"{site.DronesOnline.ToString(invariant)}/{site.Drones.ToString(invariant)}",
                    site.JobsRunning.ToString(invariant), $"{site.Primary ?? "-"} / {site.Secondary ?? "-"}");
            }

            Output.Write(table);

            // Said in words as well: a narrow terminal may cut a table cell, never this line.
            foreach (var site in sites.Where(s => !s.Reachable))
            {
                AnsiConsole.MarkupLine($"[red]Site {Markup.Escape(site.Site)} is UNREACHABLE[/]: its orchestrators last synced {site.LastSyncAgeSeconds:0}s ago; " +
                    $"its {site.Drones} drone(s) are not counted online");
            }
        }

        var jobs = Output.Table("Job state", "Count");
        foreach (var (state, count) in status.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            jobs.Row(state, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Output.Write(jobs);
        if (status.Paused)
        {
            Output.Line("The swarm is PAUSED: no new job is leased ('build-swarm swarm resume' lets them go)");
        }

        foreach (var build in status.Builds.Where(b => b.State == "stalled"))
        {
            Output.Line($"Build {build.BuildId} STALLED: {build.Reason} (see 'build-swarm builds show {build.BuildId}')");
        }
    }
}

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
        var command = new Command("status", "Show the swarm: drones, cores online, jobs by state") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
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

            Render(status, connection.Url);
            return 0;
        });
        return command;
    }

    private static void Render(SwarmStatus status, string url)
    {
        AnsiConsole.MarkupLine($"[bold]BuildSwarm[/] {Markup.Escape(status.Version)} at {Markup.Escape(url)}");
        AnsiConsole.MarkupLine($"Cores online: [bold]{status.CoresOnline}[/]   Drones online: [bold]{status.DronesOnline}[/]   Binhost packages: [bold]{status.BinhostPackages}[/]");

        var drones = new Table().AddColumns("Drone", "Site", "State", "Cores", "Slots", "Address", "Building");
        foreach (var drone in status.Drones)
        {
            drones.AddRow(Markup.Escape(drone.Name), Markup.Escape(drone.Site), Markup.Escape(drone.State), drone.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture),
                drone.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape((drone.Address ?? "") + (drone.BehindNat ? " (NAT)" : "")), Markup.Escape(string.Join(", ", drone.Jobs)));
        }

        AnsiConsole.Write(drones);

        if (status.Sites is { Count: > 0 } sites)
        {
            var table = new Table().AddColumns("Site", "Reachable", "Last sync", "Cores online", "Drones online", "Drones", "Jobs running", "Primary", "Secondary");
            foreach (var site in sites)
            {
                table.AddRow(Markup.Escape(site.Site), site.Reachable ? "yes" : "[red]UNREACHABLE[/]",
                    site.LastSyncAgeSeconds is { } age ? $"{age:0}s ago" : "never",
                    site.CoresOnline.ToString(System.Globalization.CultureInfo.InvariantCulture), site.DronesOnline.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    site.Drones.ToString(System.Globalization.CultureInfo.InvariantCulture), site.JobsRunning.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(site.Primary ?? "-"), Markup.Escape(site.Secondary ?? "-"));
            }

            AnsiConsole.Write(table);
        }

        var jobs = new Table().AddColumns("Job state", "Count");
        foreach (var (state, count) in status.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            jobs.AddRow(Markup.Escape(state), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(jobs);
    }
}

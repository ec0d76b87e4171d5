using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Cli;

/// <summary><c>builds list|show|cancel|retry</c>: the queue and its history, and steering one build.</summary>
internal static class BuildsCommand
{
    public static Command Create()
    {
        var command = new Command("builds", "Builds: list them, show one with the reason each job stands still, cancel or retry one");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(QueueAction.Create("cancel", "Cancel every job of a build that is not over; drones building them are told to stop", "build", id => $"api/gateway/builds/{Uri.EscapeDataString(id)}/cancel"));
        command.Subcommands.Add(QueueAction.Create("retry", "Retry every failed, stuck, broken, blocked or cancelled job of a build, with fresh attempts", "build", id => $"api/gateway/builds/{Uri.EscapeDataString(id)}/retry"));
        return command;
    }

    private static Command List()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var command = new Command("list", "The last 50 builds, newest first, with their state") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var builds = await connection.ReachAsync(async () => (await connection.Http.GetFromJsonAsync("api/gateway/builds", SwarmJsonContext.Default.IReadOnlyListBuildSummary, ct))!);
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(builds, SwarmJsonContext.Default.IReadOnlyListBuildSummary));
                return 0;
            }

            var table = Output.Table("Build", "State", "Created", "Done", "Why");
            foreach (var b in builds)
            {
                table.Row(b.BuildId, b.State, b.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    $"{b.Done.ToString(CultureInfo.InvariantCulture)}/{b.Jobs.ToString(CultureInfo.InvariantCulture)}", b.Reason ?? "");
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var id = new Argument<string>("build") { Description = "Build id, as 'builds list' shows it" };
        var command = new Command("show", "One build: its jobs, where they ran, and why a job stands still") { id, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            var buildId = parse.GetValue(id)!;
            using var response = await connection.ReachAsync(() => connection.Http.GetAsync($"api/gateway/builds/{Uri.EscapeDataString(buildId)}", ct));
            await AdminCalls.EnsureAsync(response, $"show build '{buildId}'", ct);
            var build = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.BuildView, ct))!;
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(build, SwarmJsonContext.Default.BuildView));
                return 0;
            }

            Output.Line($"{build.BuildId}: {build.State}, target {build.Target}, " + string.Join(", ", build.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}")));
            var table = Output.Table("Job", "Package", "State", "Tries", "Drone", "Why");
            foreach (var job in build.Jobs)
            {
                table.Row(job.Id.ToString(CultureInfo.InvariantCulture), job.Cpv, job.State.ToWire(), job.Attempts.ToString(CultureInfo.InvariantCulture),
                    job.Drone ?? "", job.Reason ?? (job.State == JobState.Done ? "" : job.Error ?? ""));
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }
}

/// <summary>One admin POST that acts on a build or a job and answers a <see cref="QueueActionReply"/>.</summary>
internal static class QueueAction
{
    public static Command Create(string name, string description, string what, Func<string, string> route)
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var id = new Argument<string>(what) { Description = what == "job" ? "Job id, as 'builds show' lists it" : "Build id, as 'builds list' shows it" };
        var command = new Command(name, description) { id, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(id)!;
            if (what == "job" && !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new UsageException($"{name}: '{key}' is not a job id (a number, as 'builds show' lists it)");
            }

            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.ReachAsync(() => connection.Http.PostAsync(route(key), null, ct));
            await AdminCalls.EnsureAsync(response, $"{name} {what} {key}", ct);
            var reply = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.QueueActionReply, ct))!;
            Output.Line(parse.GetValue(json) ? JsonSerializer.Serialize(reply, SwarmJsonContext.Default.QueueActionReply) : $"{reply.BuildId}: {reply.Detail}");
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary><c>binhost</c>: the operator's handle on the binhost (key, releases, gc, verify), all through the gateway's admin API.</summary>
internal static class BinhostCommand
{
    public static Command Create() => new("binhost", "Manage the binhost: signing key, releases, garbage collection, verification")
    {
        ExportKey(),
        InitKey(),
        Promote(),
        Rollback(),
        Releases(),
        Gc(),
        Verify(),
    };

    private static Command ExportKey() => Simple("export-key", "Print the binhost's public OpenPGP key (import it on clients)", async (connection, _, ct) =>
    {
        using var response = await connection.Http.GetAsync("api/gateway/binhost/key", ct);
        await EnsureAsync(response, "export the key", ct);
        Output.Line((await response.Content.ReadAsStringAsync(ct)).TrimEnd());
        return 0;
    });

    private static Command InitKey() => Simple("init-key", "Create the binhost's signing key if it has none; print its fingerprint", async (connection, json, ct) =>
    {
        using var response = await connection.Http.PostAsync("api/gateway/binhost/key", null, ct);
        var info = await ReadAsync(response, SwarmJsonContext.Default.BinhostKeyInfo, "create the key", ct);
        Output.Line(json ? JsonSerializer.Serialize(info, SwarmJsonContext.Default.BinhostKeyInfo)
            : $"{info.Fingerprint} ({(info.Created ? "created" : "already there")})");
        return 0;
    });

    private static Command Promote()
    {
        var target = new Argument<string>("target") { Description = "Target whose current index is frozen" };
        var name = new Option<string?>("--name") { Description = "Release name (default: the next number)" };
        return WithTarget("promote", "Freeze the target's index as an immutable release and point 'stable' at it", target, [name], async (connection, parse, json, ct) =>
        {
            using var response = await connection.Http.PostAsJsonAsync($"api/gateway/binhost/targets/{Uri.EscapeDataString(parse.GetValue(target)!)}/promote",
                new PromoteRequest(parse.GetValue(name)), SwarmJsonContext.Default.PromoteRequest, ct);
            var release = await ReadAsync(response, SwarmJsonContext.Default.BinhostReleaseView, "promote", ct);
            Output.Line(json ? JsonSerializer.Serialize(release, SwarmJsonContext.Default.BinhostReleaseView)
                : $"release {release.Name} of {release.Target}: {release.Packages} packages, TIMESTAMP {release.Timestamp}; stable -> {release.Name}");
            return 0;
        });
    }

    private static Command Rollback()
    {
        var target = new Argument<string>("target") { Description = "Target whose stable alias moves back" };
        return WithTarget("rollback", "Point the target's 'stable' alias at the release before the current one", target, [], async (connection, parse, json, ct) =>
        {
            using var response = await connection.Http.PostAsync($"api/gateway/binhost/targets/{Uri.EscapeDataString(parse.GetValue(target)!)}/rollback", null, ct);
            var result = await ReadAsync(response, SwarmJsonContext.Default.RollbackResult, "roll back", ct);
            Output.Line(json ? JsonSerializer.Serialize(result, SwarmJsonContext.Default.RollbackResult) : $"{result.Target}: stable {result.From} -> {result.To}");
            return 0;
        });
    }

    private static Command Releases()
    {
        var target = new Argument<string>("target") { Description = "Target" };
        return WithTarget("releases", "List a target's releases", target, [], async (connection, parse, json, ct) =>
        {
            using var response = await connection.Http.GetAsync($"api/gateway/binhost/targets/{Uri.EscapeDataString(parse.GetValue(target)!)}/releases", ct);
            var list = await ReadAsync(response, SwarmJsonContext.Default.IReadOnlyListBinhostReleaseView, "list releases", ct);
            if (json)
            {
                Output.Line(JsonSerializer.Serialize(list, SwarmJsonContext.Default.IReadOnlyListBinhostReleaseView));
                return 0;
            }

            var table = Output.Table("Release", "Packages", "TIMESTAMP", "Created", "Stable");
            foreach (var release in list)
            {
                table.Row(release.Name, Number(release.Packages), Number(release.Timestamp),
                    release.CreatedAt.ToString("u", CultureInfo.InvariantCulture), release.Stable ? "stable" : "");
            }

            Output.Write(table);
            return 0;
        });
    }

    private static Command Gc() => Simple("gc", "Delete package files no index or release lists, and stale upload temporaries", async (connection, json, ct) =>
    {
        using var response = await connection.Http.PostAsync("api/gateway/binhost/gc", null, ct);
        var report = await ReadAsync(response, SwarmJsonContext.Default.GcReport, "collect garbage", ct);
        if (json)
        {
            Output.Line(JsonSerializer.Serialize(report, SwarmJsonContext.Default.GcReport));
            return 0;
        }

        foreach (var file in report.Deleted)
        {
            Output.Line($"deleted {file}");
        }

        Output.Line($"deleted {report.DeletedFiles} files ({report.DeletedBytes} bytes) and {report.DeletedTemporaries} stale temporaries; kept {report.KeptFiles} files");
        return 0;
    });

    private static Command Verify()
    {
        var repair = new Option<bool>("--repair") { Description = "Drop live index entries whose files are missing or corrupt (like emaint binhost --fix)" };
        var command = Simple("verify", "Re-check every package file against its index entry; exit 1 if problems remain", (_, _, _) => Task.FromResult(0));
        command.Add(repair);
        command.SetAction(async (parse, ct) =>
        {
            using var connection = Connect(parse, command);
            using var response = await connection.Http.PostAsync($"api/gateway/binhost/verify?repair={(parse.GetValue(repair) ? "true" : "false")}", null, ct);
            var report = await ReadAsync(response, SwarmJsonContext.Default.VerifyReport, "verify", ct);
            if (parse.GetValue(Option<bool>(command, "--json")))
            {
                Output.Line(JsonSerializer.Serialize(report, SwarmJsonContext.Default.VerifyReport));
            }
            else
            {
                RenderVerify(report);
            }

            return report.Remaining > 0 ? 1 : 0;
        });
        return command;
    }

    private static void RenderVerify(VerifyReport report)
    {
        if (report.Problems.Count > 0)
        {
            var table = Output.Table("Target", "Index", "CPV", "Build", "Path", "Problem", "Action");
            foreach (var p in report.Problems)
            {
                table.Row(p.Target, p.Index, p.Cpv, Number(p.BuildId), p.Path, p.Problem, p.Repaired ? "dropped from index" : "");
            }

            Output.Write(table);
        }

        Output.Line($"checked {report.Checked} index entries: {report.Problems.Count} problems, {report.Remaining} remaining");
    }

    private delegate Task<int> Action(GatewayConnection connection, bool json, CancellationToken cancellationToken);

    private delegate Task<int> TargetAction(GatewayConnection connection, ParseResult parse, bool json, CancellationToken cancellationToken);

    private static Command Simple(string name, string description, Action action)
    {
        var command = new Command(name, description) { CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json() };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = Connect(parse, command);
            return await action(connection, parse.GetValue(Option<bool>(command, "--json")), ct);
        });
        return command;
    }

    private static Command WithTarget(string name, string description, Argument<string> target, Option[] extra, TargetAction action)
    {
        var command = new Command(name, description) { target, CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json() };
        foreach (var option in extra)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            using var connection = Connect(parse, command);
            return await action(connection, parse, parse.GetValue(Option<bool>(command, "--json")), ct);
        });
        return command;
    }

    private static GatewayConnection Connect(ParseResult parse, Command command) =>
        GatewayConnection.Resolve(parse.GetValue(Option<string?>(command, "--gateway")), parse.GetValue(Option<string?>(command, "--token")),
            parse.GetValue(Option<string?>(command, "--data")));

    private static Option<T> Option<T>(Command command, string name) => command.Options.OfType<Option<T>>().Single(o => o.Name == name);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        await EnsureAsync(response, what, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(type, cancellationToken))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"could not {what} ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, cancellationToken)}");
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

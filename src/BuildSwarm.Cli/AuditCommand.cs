using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Cli;

/// <summary><c>audit [--limit N] [--json]</c>: the gateway's log of admin actions (admin token).</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var limit = new Option<int>("--limit") { Description = "How many of the newest entries (1-10000)", DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "Show the admin actions the gateway recorded: when, who, what, and the answer") { limit, gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(limit);
            if (count is < 1 or > 10_000)
            {
                throw new UsageException($"audit: --limit must be from 1 to 10000, not {count}");
            }

            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.GetAsync($"api/gateway/audit?limit={count.ToString(CultureInfo.InvariantCulture)}", ct);
            await AdminCalls.EnsureAsync(response, "read the audit log", ct);
            var entries = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.IReadOnlyListAuditEntry, ct))!;
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(entries, SwarmJsonContext.Default.IReadOnlyListAuditEntry));
                return 0;
            }

            foreach (var e in entries)
            {
                Output.Line($"{e.At:u}  {e.Who} from {e.Source}{(e.Operator is null ? "" : $" ({e.Operator})")}  {e.Method} {e.Path}  -> {e.Status}");
            }

            return 0;
        });
        return command;
    }
}

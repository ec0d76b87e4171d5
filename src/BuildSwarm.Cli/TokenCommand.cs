using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Cli;

/// <summary><c>token create|list|revoke</c>: join tokens that let drones register (admin).</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Join tokens for drones: create, list, revoke");
        command.Subcommands.Add(CreateToken());
        command.Subcommands.Add(ListTokens());
        command.Subcommands.Add(RevokeToken());
        return command;
    }

    private static Command CreateToken()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var expires = new Option<string?>("--expires") { Description = "Lifetime, e.g. 30m, 24h, 7d (default: never expires)" };
        var singleUse = new Option<bool>("--single-use") { Description = "Valid for one drone only" };
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Drones joining with it may work at once (default: pending until approved)" };
        var note = new Option<string?>("--note") { Description = "What the token is for" };
        var command = new Command("create", "Create a join token; it is shown once") { gateway, token, data, json, expires, singleUse, autoApprove, note };
        command.SetAction(async (parse, ct) =>
        {
            long? seconds = parse.GetValue(expires) is { } text ? (long)ParseDuration(text).TotalSeconds : null;
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.PostAsJsonAsync("api/gateway/join-tokens",
                new JoinTokenRequest(seconds, parse.GetValue(singleUse), parse.GetValue(autoApprove), parse.GetValue(note)), SwarmJsonContext.Default.JoinTokenRequest, ct);
            await AdminCalls.EnsureAsync(response, "create the join token", ct);
            var created = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated, ct))!;
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(created, SwarmJsonContext.Default.JoinTokenCreated));
                return 0;
            }

            Output.Line(created.Token);
            Output.Line($"# id {created.Id}; {(created.ExpiresAt is { } at ? $"expires {at:u}" : "does not expire")}; " +
                $"{(created.SingleUse ? "single use" : "reusable")}; {(created.AutoApprove ? "drones are approved at once" : "drones wait for 'build-swarm drones approve'")}");
            return 0;
        });
        return command;
    }

    private static Command ListTokens()
    {
        var (gateway, token, data, json) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data(), CommonOptions.Json());
        var command = new Command("list", "List join tokens (never the tokens themselves)") { gateway, token, data, json };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.GetAsync("api/gateway/join-tokens", ct);
            await AdminCalls.EnsureAsync(response, "list join tokens", ct);
            var tokens = (await response.Content.ReadFromJsonAsync(SwarmJsonContext.Default.IReadOnlyListJoinTokenView, ct))!;
            if (parse.GetValue(json))
            {
                Output.Line(JsonSerializer.Serialize(tokens, SwarmJsonContext.Default.IReadOnlyListJoinTokenView));
                return 0;
            }

            foreach (var t in tokens)
            {
                Output.Line($"{t.Id}  uses {t.Uses}  {(t.Revoked ? "revoked" : t.ExpiresAt is { } at ? $"expires {at:u}" : "no expiry")}" +
                    $"{(t.SingleUse ? "  single-use" : "")}{(t.AutoApprove ? "  auto-approve" : "")}  {t.Note}");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeToken()
    {
        var (gateway, token, data) = (CommonOptions.Gateway(), CommonOptions.Token(), CommonOptions.Data());
        var id = new Argument<string>("id") { Description = "Token id (jt-...), from 'token list'" };
        var command = new Command("revoke", "Revoke a join token; drones that already joined keep their credentials") { id, gateway, token, data };
        command.SetAction(async (parse, ct) =>
        {
            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var response = await connection.Http.PostAsync($"api/gateway/join-tokens/{Uri.EscapeDataString(parse.GetValue(id)!)}/revoke", null, ct);
            await AdminCalls.EnsureAsync(response, "revoke the join token", ct);
            Output.Line($"revoked {parse.GetValue(id)}");
            return 0;
        });
        return command;
    }

    /// <summary>Durations like <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        throw new UsageException($"--expires: '{text}' is not a duration like 90s, 30m, 24h or 7d");
    }
}

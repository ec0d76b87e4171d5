using System.Security.Cryptography;
using System.Text;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Hosting.Http;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>Join tokens: shown once when created, kept only as a SHA-256 hash, limited by expiry and use count.</summary>
public sealed class JoinTokens(SwarmDatabase db, TimeProvider time)
{
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public async Task<JoinTokenCreated> CreateAsync(JoinTokenRequest request, CancellationToken cancellationToken)
    {
        var token = "bsj_" + BearerToken.New();
        var id = "jt-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var now = time.GetUtcNow();
        DateTimeOffset? expires = request.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : null;
        await db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO join_tokens (id, hash, note, created_at, expires_at, single_use, auto_approve)
                VALUES ($id, $hash, $note, $now, $expires, $single, $auto)
                """,
                cancellationToken, ("$id", id), ("$hash", Hash(token)), ("$note", request.Note), ("$now", now.ToUnixTimeMilliseconds()),
                ("$expires", expires?.ToUnixTimeMilliseconds()), ("$single", request.SingleUse ? 1 : 0), ("$auto", request.AutoApprove ? 1 : 0)), cancellationToken);
        return new JoinTokenCreated(id, token, expires, request.SingleUse, request.AutoApprove);
    }

    public Task<IReadOnlyList<JoinTokenView>> ListAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<JoinTokenView>>(async connection =>
        {
            var list = new List<JoinTokenView>();
            await using var command = SwarmDatabase.Command(connection, null,
                "SELECT id, note, created_at, expires_at, single_use, auto_approve, uses, revoked FROM join_tokens ORDER BY created_at");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new JoinTokenView(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    reader.GetInt64(4) != 0, reader.GetInt64(5) != 0, reader.GetInt32(6), reader.GetInt64(7) != 0));
            }

            return list;
        }, cancellationToken);

    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
            await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE join_tokens SET revoked = 1 WHERE id = $id", cancellationToken, ("$id", id)) == 1,
            cancellationToken);

    /// <summary>Uses the token once inside the caller's transaction; the refusal says which limit it hit.</summary>
    internal static async Task<(string? TokenId, bool AutoApprove, string? Refusal)> ConsumeAsync(
        SqliteConnection connection, SqliteTransaction tx, string secret, long now, CancellationToken cancellationToken)
    {
        await using var command = SwarmDatabase.Command(connection, tx,
            "SELECT id, expires_at, single_use, auto_approve, uses, revoked FROM join_tokens WHERE hash = $hash", ("$hash", Hash(secret)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, false, "the join token is not known to the gateway: create one with 'build-swarm token create'");
        }

        var id = reader.GetString(0);
        if (reader.GetInt64(5) != 0)
        {
            return (null, false, $"join token {id} was revoked");
        }

        if (!reader.IsDBNull(1) && reader.GetInt64(1) <= now)
        {
            return (null, false, $"join token {id} expired at {DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)):u}");
        }

        if (reader.GetInt64(2) != 0 && reader.GetInt32(4) > 0)
        {
            return (null, false, $"join token {id} was single-use and has been used");
        }

        var autoApprove = reader.GetInt64(3) != 0;
        await reader.DisposeAsync();
        await SwarmDatabase.ExecuteAsync(connection, tx, "UPDATE join_tokens SET uses = uses + 1 WHERE id = $id", cancellationToken, ("$id", id));
        return (id, autoApprove, null);
    }
}

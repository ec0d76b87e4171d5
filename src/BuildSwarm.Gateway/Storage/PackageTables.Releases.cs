using System.Globalization;
using BuildSwarm.Core.Contracts;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>A release just frozen: its name, the index TIMESTAMP it carries, how many packages, and when.</summary>
public sealed record ReleaseCreated(string Name, long Timestamp, int Packages, DateTimeOffset CreatedAt);

public sealed partial class PackageTables
{
    /// <summary>
    /// Freezes a target's live index as a release and makes it stable, in one transaction. <paramref name="freeze"/>
    /// runs inside it with the release's name and the live rows (which cannot change meanwhile), writes the
    /// release's index files and returns their TIMESTAMP. Null when the target already has a release of that name.
    /// </summary>
    public Task<ReleaseCreated?> CreateReleaseAsync(
        string target, string? name, DateTimeOffset now, Func<string, IReadOnlyList<PackageRow>, Task<long>> freeze, CancellationToken cancellationToken) =>
        db.WriteAsync<ReleaseCreated?>(async (connection, tx) =>
        {
            var seq = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM binhost_releases WHERE target = $t", cancellationToken, ("$t", target)), CultureInfo.InvariantCulture);
            name ??= seq.ToString(CultureInfo.InvariantCulture);
            if (await SwarmDatabase.ScalarAsync(connection, tx, "SELECT 1 FROM binhost_releases WHERE target = $t AND name = $n",
                    cancellationToken, ("$t", target), ("$n", name)) is not null)
            {
                return null;
            }

            var rows = await RowsAsync(connection, tx, target, cancellationToken);
            var count = await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO binhost_release_entries (target, release, cpv, build_id, path, size, md5, sha1)
                SELECT target, $n, cpv, build_id, path, size, md5, sha1 FROM packages WHERE target = $t
                """, cancellationToken, ("$t", target), ("$n", name));
            var timestamp = await freeze(name, rows);
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO binhost_releases (target, name, seq, timestamp, packages, created_at) VALUES ($t, $n, $s, $ts, $c, $now)",
                cancellationToken, ("$t", target), ("$n", name), ("$s", seq), ("$ts", timestamp), ("$c", count), ("$now", now.ToUnixTimeMilliseconds()));
            await SetStableAsync(connection, tx, target, name, cancellationToken);
            return new ReleaseCreated(name, timestamp, count, now);
        }, cancellationToken);

    /// <summary>Makes the release before the stable one stable. <c>Current</c> is null when there is no stable release, <c>Previous</c> when it is the oldest.</summary>
    public Task<(string? Current, string? Previous)> RollbackAsync(string target, CancellationToken cancellationToken) =>
        db.WriteAsync<(string?, string?)>(async (connection, tx) =>
        {
            if (await SwarmDatabase.ScalarAsync(connection, tx, "SELECT release FROM binhost_stable WHERE target = $t", cancellationToken, ("$t", target)) is not string current)
            {
                return (null, null);
            }

            var previous = await SwarmDatabase.ScalarAsync(connection, tx,
                """
                SELECT name FROM binhost_releases
                WHERE target = $t AND seq < (SELECT seq FROM binhost_releases WHERE target = $t AND name = $n)
                ORDER BY seq DESC LIMIT 1
                """, cancellationToken, ("$t", target), ("$n", current)) as string;
            if (previous is not null)
            {
                await SetStableAsync(connection, tx, target, previous, cancellationToken);
            }

            return (current, previous);
        }, cancellationToken);

    public Task<List<BinhostReleaseView>> ReleasesAsync(string target, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var list = new List<BinhostReleaseView>();
            await using var command = SwarmDatabase.Command(connection, null,
                """
                SELECT r.name, r.timestamp, r.packages, r.created_at, s.release IS NOT NULL
                FROM binhost_releases r LEFT JOIN binhost_stable s ON s.target = r.target AND s.release = r.name
                WHERE r.target = $t ORDER BY r.seq
                """, ("$t", target));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new BinhostReleaseView(target, reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetBoolean(4)));
            }

            return list;
        }, cancellationToken);

    /// <summary>The release <c>stable</c> names, or null.</summary>
    public Task<string?> StableAsync(string target, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT release FROM binhost_stable WHERE target = $t", cancellationToken, ("$t", target)) as string,
            cancellationToken);

    /// <summary>The package files a release lists (paths relative to the target root), or null when there is no such release.</summary>
    public Task<HashSet<string>?> ReleaseFilesAsync(string target, string name, CancellationToken cancellationToken) =>
        db.ReadAsync<HashSet<string>?>(async connection =>
        {
            if (await SwarmDatabase.ScalarAsync(connection, null, "SELECT 1 FROM binhost_releases WHERE target = $t AND name = $n",
                    cancellationToken, ("$t", target), ("$n", name)) is null)
            {
                return null;
            }

            return [.. await SwarmDatabase.StringsAsync(connection, null,
                "SELECT path FROM binhost_release_entries WHERE target = $t AND release = $n", cancellationToken, ("$t", target), ("$n", name))];
        }, cancellationToken);

    private static Task<int> SetStableAsync(SqliteConnection connection, SqliteTransaction tx, string target, string name, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            "INSERT INTO binhost_stable (target, release) VALUES ($t, $n) ON CONFLICT (target) DO UPDATE SET release = excluded.release",
            cancellationToken, ("$t", target), ("$n", name));
}

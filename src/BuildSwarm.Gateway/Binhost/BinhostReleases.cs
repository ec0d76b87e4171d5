using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Releases: a target's index frozen under a name. A release has its own <c>Packages</c> in
/// <c>&lt;target&gt;/releases/&lt;name&gt;/</c>; its PATH entries are the live ones, and the package files below the
/// release URL are the shared files of the target (only those the release lists). Nothing is copied.
/// </summary>
public sealed partial class BinhostReleases(SwarmDatabase db, BinhostIndex index, BinhostPaths paths, BinhostTargets targets, TimeProvider time)
{
    public const string StableAlias = "stable";

    // Releases never change, so the set of files each one lists can be cached for good.
    private readonly ConcurrentDictionary<(string Target, string Name), HashSet<string>> _files = new();
    private readonly ConcurrentDictionary<string, string?> _stable = new(StringComparer.Ordinal);

    public async Task<BinhostReleaseView> PromoteAsync(string target, string? name, CancellationToken cancellationToken)
    {
        RequireTarget(target);
        if (name is not null && (!ReleaseName().IsMatch(name) || name == StableAlias))
        {
            throw new BinhostRequestException(StatusCodes.Status400BadRequest,
                $"release name '{name}' must be 1-64 of letters, digits, '.', '_', '-', start with a letter or digit, and not be '{StableAlias}'");
        }

        var view = await db.WriteAsync(async (connection, tx) =>
        {
            var seq = Convert.ToInt64(await SwarmDatabase.ScalarAsync(connection, tx,
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM binhost_releases WHERE target = $t", cancellationToken, ("$t", target)), CultureInfo.InvariantCulture);
            name ??= seq.ToString(CultureInfo.InvariantCulture);
            if (await SwarmDatabase.ScalarAsync(connection, tx, "SELECT 1 FROM binhost_releases WHERE target = $t AND name = $n",
                    cancellationToken, ("$t", target), ("$n", name)) is not null)
            {
                throw new BinhostRequestException(StatusCodes.Status409Conflict, $"target '{target}' already has a release '{name}'; releases are immutable");
            }

            // Under the write lock the rows cannot change, so the frozen text and the recorded files agree.
            var blocks = await index.LoadBlocksAsync(connection, tx, target, cancellationToken);
            var timestamp = index.NextTimestamp(target);
            var count = await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO binhost_release_entries (target, release, cpv, build_id, path, size, md5, sha1)
                SELECT target, $n, cpv, build_id, path, size, md5, sha1 FROM packages WHERE target = $t
                """, cancellationToken, ("$t", target), ("$n", name));
            var now = time.GetUtcNow();
            await SwarmDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO binhost_releases (target, name, seq, timestamp, packages, created_at) VALUES ($t, $n, $s, $ts, $c, $now)",
                cancellationToken, ("$t", target), ("$n", name), ("$s", seq), ("$ts", timestamp), ("$c", count), ("$now", now.ToUnixTimeMilliseconds()));
            await SetStableAsync(connection, tx, target, name, cancellationToken);
            await BinhostIndex.WriteFilesAsync(ReleaseDirectory(target, name), targets.Header(target), blocks, timestamp, cancellationToken);
            return new BinhostReleaseView(target, name, timestamp, count, now, Stable: true);
        }, cancellationToken);
        _stable[target] = view.Name;
        return view;
    }

    public async Task<RollbackResult> RollbackAsync(string target, CancellationToken cancellationToken)
    {
        RequireTarget(target);
        var result = await db.WriteAsync(async (connection, tx) =>
        {
            var current = await SwarmDatabase.ScalarAsync(connection, tx, "SELECT release FROM binhost_stable WHERE target = $t", cancellationToken, ("$t", target)) as string
                ?? throw new BinhostRequestException(StatusCodes.Status409Conflict, $"target '{target}' has no stable release to roll back");
            var previous = await SwarmDatabase.ScalarAsync(connection, tx,
                """
                SELECT name FROM binhost_releases
                WHERE target = $t AND seq < (SELECT seq FROM binhost_releases WHERE target = $t AND name = $n)
                ORDER BY seq DESC LIMIT 1
                """, cancellationToken, ("$t", target), ("$n", current)) as string
                ?? throw new BinhostRequestException(StatusCodes.Status409Conflict, $"release '{current}' is the oldest of target '{target}'; there is nothing to roll back to");
            await SetStableAsync(connection, tx, target, previous, cancellationToken);
            return new RollbackResult(target, current, previous);
        }, cancellationToken);
        _stable[target] = result.To;
        return result;
    }

    public async Task<IReadOnlyList<BinhostReleaseView>> ListAsync(string target, CancellationToken cancellationToken)
    {
        RequireTarget(target);
        return await db.ReadAsync(async connection =>
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
    }

    /// <summary>The release <c>stable</c> names, or null.</summary>
    public async Task<string?> StableAsync(string target, CancellationToken cancellationToken)
    {
        if (_stable.TryGetValue(target, out var cached))
        {
            return cached;
        }

        var name = await db.ReadAsync(async connection =>
            await SwarmDatabase.ScalarAsync(connection, null, "SELECT release FROM binhost_stable WHERE target = $t", cancellationToken, ("$t", target)) as string,
            cancellationToken);
        _stable[target] = name;
        return name;
    }

    /// <summary>The package files a release lists (paths relative to the target root), or null when there is no such release.</summary>
    public async Task<HashSet<string>?> FilesAsync(string target, string name, CancellationToken cancellationToken)
    {
        if (_files.TryGetValue((target, name), out var cached))
        {
            return cached;
        }

        var files = await db.ReadAsync(async connection =>
        {
            if (await SwarmDatabase.ScalarAsync(connection, null, "SELECT 1 FROM binhost_releases WHERE target = $t AND name = $n",
                    cancellationToken, ("$t", target), ("$n", name)) is null)
            {
                return null;
            }

            var set = new HashSet<string>(StringComparer.Ordinal);
            await using var command = SwarmDatabase.Command(connection, null,
                "SELECT path FROM binhost_release_entries WHERE target = $t AND release = $n", ("$t", target), ("$n", name));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                set.Add(reader.GetString(0));
            }

            return set;
        }, cancellationToken);
        if (files is not null)
        {
            _files[(target, name)] = files;
        }

        return files;
    }

    public string ReleaseDirectory(string target, string name) => Path.Combine(paths.TargetRoot(target), "releases", name);

    private void RequireTarget(string target)
    {
        if (!targets.Exists(target))
        {
            throw new BinhostRequestException(StatusCodes.Status404NotFound, $"no target '{target}'; configured: {string.Join(", ", targets.Names.Order(StringComparer.Ordinal))}");
        }
    }

    private static Task<int> SetStableAsync(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string target, string name, CancellationToken cancellationToken) =>
        SwarmDatabase.ExecuteAsync(connection, tx,
            "INSERT INTO binhost_stable (target, release) VALUES ($t, $n) ON CONFLICT (target) DO UPDATE SET release = excluded.release",
            cancellationToken, ("$t", target), ("$n", name));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ReleaseName();
}

/// <summary>A binhost admin request that cannot be done, with the HTTP status that says why.</summary>
public sealed class BinhostRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

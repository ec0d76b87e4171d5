using System.Globalization;
using BuildSwarm.Core.Contracts;
using Microsoft.Data.Sqlite;

namespace BuildSwarm.Gateway.Storage;

/// <summary>One indexed instance of a package as the <c>packages</c> table holds it.</summary>
public sealed record PackageRow(string Cpv, int BuildId, string Path, long Size, string Md5, string Sha1, long Mtime, string MetadataJson);

/// <summary>An instance of a package in one target's live index.</summary>
public readonly record struct PackageKey(string Target, string Cpv, int BuildId);

/// <summary>An index entry to verify: <c>Release</c> is empty for the live index.</summary>
public sealed record PackageEntry(string Target, string Release, string Cpv, int BuildId, string Path, long Size, string Md5, string Sha1);

/// <summary>
/// What an upload brings to its publication: the job and lease it completes, where it goes, the file's
/// size and hashes, the package's metadata (JSON) and how many builds of a CPV the index keeps.
/// </summary>
public sealed record PublicationDraft(
    long JobId, string LeaseId, string Target, string Cpv, Func<int, string> PathFor,
    long Size, string Md5, string Sha1, string Sha256, long Mtime, string MetadataJson, int KeepBuilds);

/// <summary>The rows a publication wrote: the new build id, its path, and the older build ids that left the index.</summary>
public sealed record PublicationRows(int BuildId, string Path, IReadOnlyList<int> Pruned);

/// <summary>
/// Owner of <c>packages</c>, <c>binhost_releases</c>, <c>binhost_release_entries</c> and <c>binhost_stable</c>,
/// and of the publication unit of work that also completes the job (through <see cref="JobTables"/>).
/// </summary>
public sealed partial class PackageTables(SwarmDatabase db, JobTables jobs)
{
    /// <summary>
    /// Publishes a package and completes its job in one transaction. <paramref name="place"/> runs inside it
    /// once the rows are written: it puts the file in place and updates the in-memory index, so the commit
    /// happens only after the file is there. Null (nothing written) when the job was already completed: a duplicate.
    /// </summary>
    public Task<T?> PublishAsync<T>(PublicationDraft draft, Func<PublicationRows, T> place, CancellationToken cancellationToken) where T : class =>
        db.WriteAsync<T?>(async (connection, tx) =>
        {
            // Build ids never repeat while a release may still reference an older instance's file.
            var next = Convert.ToInt32(await SwarmDatabase.ScalarAsync(connection, tx,
                """
                SELECT MAX(COALESCE((SELECT MAX(build_id) FROM packages WHERE target = $t AND cpv = $cpv), 0),
                           COALESCE((SELECT MAX(build_id) FROM binhost_release_entries WHERE target = $t AND cpv = $cpv), 0)) + 1
                """,
                cancellationToken, ("$t", draft.Target), ("$cpv", draft.Cpv)), CultureInfo.InvariantCulture);
            var relative = draft.PathFor(next);
            if (!await jobs.CompleteAsync(connection, tx, draft.JobId, draft.LeaseId, relative, cancellationToken))
            {
                return null;
            }

            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO packages (target, cpv, build_id, path, size, md5, sha1, sha256, mtime, metadata, job_id)
                VALUES ($t, $cpv, $b, $path, $size, $md5, $sha1, $sha256, $mtime, $meta, $job)
                """,
                cancellationToken, ("$t", draft.Target), ("$cpv", draft.Cpv), ("$b", next), ("$path", relative), ("$size", draft.Size),
                ("$md5", draft.Md5), ("$sha1", draft.Sha1), ("$sha256", draft.Sha256), ("$mtime", draft.Mtime), ("$meta", draft.MetadataJson),
                ("$job", draft.JobId));
            var pruned = await PruneAsync(connection, tx, draft.Target, draft.Cpv, Math.Max(1, draft.KeepBuilds), cancellationToken);
            return place(new PublicationRows(next, relative, pruned));
        }, cancellationToken);

    /// <summary>Every target that has a package.</summary>
    public Task<List<string>> TargetsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(connection => SwarmDatabase.StringsAsync(connection, null, "SELECT DISTINCT target FROM packages", cancellationToken), cancellationToken);

    /// <summary>A target's live index, row by row.</summary>
    public Task<List<PackageRow>> RowsAsync(string target, CancellationToken cancellationToken) =>
        db.ReadAsync(connection => RowsAsync(connection, null, target, cancellationToken), cancellationToken);

    public Task<int> CountAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
            Convert.ToInt32(await SwarmDatabase.ScalarAsync(connection, null, "SELECT COUNT(*) FROM packages", cancellationToken), CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>How many packages a target indexes, their bytes, and the latest ten.</summary>
    public Task<BinhostView> SummaryAsync(string target, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            int count;
            long bytes;
            await using (var command = SwarmDatabase.Command(connection, null, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM packages WHERE target = $t", ("$t", target)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                count = reader.GetInt32(0);
                bytes = reader.GetInt64(1);
            }

            var latest = new List<PublishedPackageView>();
            await using (var command = SwarmDatabase.Command(connection, null,
                "SELECT cpv, build_id, size, mtime FROM packages WHERE target = $t ORDER BY mtime DESC, rowid DESC LIMIT 10", ("$t", target)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    latest.Add(new PublishedPackageView(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(3))));
                }
            }

            return new BinhostView(count, bytes, latest);
        }, cancellationToken);

    /// <summary>Every entry of every live index and release, ordered by target, release, CPV and build.</summary>
    public Task<List<PackageEntry>> EntriesAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            var list = new List<PackageEntry>();
            await using var command = SwarmDatabase.Command(connection, null,
                """
                SELECT target, '', cpv, build_id, path, size, md5, sha1 FROM packages
                UNION ALL
                SELECT target, release, cpv, build_id, path, size, md5, sha1 FROM binhost_release_entries
                ORDER BY 1, 2, 3, 4
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new PackageEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                    reader.GetInt64(5), reader.GetString(6), reader.GetString(7)));
            }

            return list;
        }, cancellationToken);

    /// <summary>
    /// Drops instances from the live index in one transaction; <paramref name="applied"/> runs inside it for each
    /// target with the instances removed there and returns the index version that results.
    /// </summary>
    public Task<Dictionary<string, long>> RemoveAsync(IReadOnlyList<PackageKey> keys, Func<string, IReadOnlyList<PackageKey>, long> applied, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var group in keys.GroupBy(k => k.Target, StringComparer.Ordinal))
            {
                foreach (var key in group)
                {
                    await SwarmDatabase.ExecuteAsync(connection, tx, "DELETE FROM packages WHERE target = $t AND cpv = $c AND build_id = $b",
                        cancellationToken, ("$t", key.Target), ("$c", key.Cpv), ("$b", key.BuildId));
                }

                versions[group.Key] = applied(group.Key, [.. group]);
            }

            return versions;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> with every file path (target, path) an index or release lists, while no
    /// publication can run: a publish moves its file into place inside its transaction.
    /// </summary>
    public Task<T> WithReferencedFilesAsync<T>(Func<IReadOnlyList<(string Target, string Path)>, T> work, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, tx) =>
        {
            var referenced = new List<(string, string)>();
            foreach (var sql in (string[])["SELECT target, path FROM packages", "SELECT target, path FROM binhost_release_entries"])
            {
                await using var command = SwarmDatabase.Command(connection, tx, sql);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    referenced.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            return work(referenced);
        }, cancellationToken);

    private static async Task<List<PackageRow>> RowsAsync(SqliteConnection connection, SqliteTransaction? tx, string target, CancellationToken cancellationToken)
    {
        var rows = new List<PackageRow>();
        await using var command = SwarmDatabase.Command(connection, tx,
            "SELECT cpv, build_id, path, size, md5, sha1, mtime, metadata FROM packages WHERE target = $t", ("$t", target));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PackageRow(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt64(6), reader.GetString(7)));
        }

        return rows;
    }

    /// <summary>Keeps the newest <paramref name="keep"/> instances of a CPV in the index; their files stay until gc.</summary>
    private static async Task<List<int>> PruneAsync(SqliteConnection connection, SqliteTransaction tx, string target, string cpv, int keep, CancellationToken cancellationToken)
    {
        var pruned = new List<int>();
        await using (var select = SwarmDatabase.Command(connection, tx,
            "SELECT build_id FROM packages WHERE target = $t AND cpv = $cpv ORDER BY build_id DESC LIMIT -1 OFFSET $keep",
            ("$t", target), ("$cpv", cpv), ("$keep", keep)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pruned.Add(reader.GetInt32(0));
            }
        }

        foreach (var old in pruned)
        {
            await SwarmDatabase.ExecuteAsync(connection, tx, "DELETE FROM packages WHERE target = $t AND cpv = $cpv AND build_id = $b",
                cancellationToken, ("$t", target), ("$cpv", cpv), ("$b", old));
        }

        return pruned;
    }
}

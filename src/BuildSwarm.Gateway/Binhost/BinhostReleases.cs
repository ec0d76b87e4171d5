using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Storage;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Releases: a target's index frozen under a name. A release has its own <c>Packages</c> in
/// <c>&lt;target&gt;/releases/&lt;name&gt;/</c>; its PATH entries are the live ones, and the package files below the
/// release URL are the shared files of the target (only those the release lists). Nothing is copied.
/// </summary>
public sealed partial class BinhostReleases(PackageTables tables, BinhostIndex index, BinhostPaths paths, BinhostTargets targets, TimeProvider time)
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

        var created = await tables.CreateReleaseAsync(target, name, time.GetUtcNow(), async (release, rows) =>
        {
            var header = targets.Header(target);
            var blocks = BinhostIndex.Blocks(header, rows);
            var timestamp = index.NextTimestamp(target);
            await BinhostIndex.WriteFilesAsync(ReleaseDirectory(target, release), header, blocks, timestamp, cancellationToken);
            return timestamp;
        }, cancellationToken) ?? throw new BinhostRequestException(StatusCodes.Status409Conflict, $"target '{target}' already has a release '{name}'; releases are immutable");
        var view = new BinhostReleaseView(target, created.Name, created.Timestamp, created.Packages, created.CreatedAt, Stable: true);
        _stable[target] = view.Name;
        return view;
    }

    public async Task<RollbackResult> RollbackAsync(string target, CancellationToken cancellationToken)
    {
        RequireTarget(target);
        var (current, previous) = await tables.RollbackAsync(target, cancellationToken);
        if (current is null)
        {
            throw new BinhostRequestException(StatusCodes.Status409Conflict, $"target '{target}' has no stable release to roll back");
        }

        if (previous is null)
        {
            throw new BinhostRequestException(StatusCodes.Status409Conflict, $"release '{current}' is the oldest of target '{target}'; there is nothing to roll back to");
        }

        var result = new RollbackResult(target, current, previous);
        _stable[target] = result.To;
        return result;
    }

    public async Task<IReadOnlyList<BinhostReleaseView>> ListAsync(string target, CancellationToken cancellationToken)
    {
        RequireTarget(target);
        return await tables.ReleasesAsync(target, cancellationToken);
    }

    /// <summary>The release <c>stable</c> names, or null.</summary>
    public async Task<string?> StableAsync(string target, CancellationToken cancellationToken)
    {
        if (_stable.TryGetValue(target, out var cached))
        {
            return cached;
        }

        var name = await tables.StableAsync(target, cancellationToken);
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

        var files = await tables.ReleaseFilesAsync(target, name, cancellationToken);
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

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ReleaseName();
}

/// <summary>A binhost admin request that cannot be done, with the HTTP status that says why.</summary>
public sealed class BinhostRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

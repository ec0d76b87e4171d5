namespace BuildSwarm.Binhost;

/// <summary>
/// Maps a URL below <c>/binhost/</c> to a file: <c>[&lt;target&gt;/]&lt;path&gt;</c> in a target's live tree, or
/// <c>[&lt;target&gt;/]releases/&lt;name|stable&gt;/&lt;path&gt;</c>, where <c>Packages</c>/<c>Packages.gz</c> are the
/// release's own and any other path is a shared package file the release lists. Anything else is null (404).
/// </summary>
public sealed class BinhostFiles(BinhostPaths paths, BinhostTargets targets, BinhostReleases releases)
{
    public async Task<string?> ResolveAsync(string path, CancellationToken cancellationToken)
    {
        var (target, relative) = targets.Route(path);
        if (!relative.StartsWith("releases/", StringComparison.Ordinal))
        {
            return relative == "releases" ? null : paths.Resolve(target, relative);
        }

        var parts = relative.Split('/', 3);
        if (parts.Length < 3 || parts[2].Length == 0)
        {
            return null;
        }

        var name = parts[1] == BinhostReleases.StableAlias ? await releases.StableAsync(target, cancellationToken) : parts[1];
        if (name is null || paths.Resolve(target, $"releases/{name}/Packages") is null)
        {
            return null;
        }

        var files = await releases.FilesAsync(target, name, cancellationToken);
        if (files is null)
        {
            return null;
        }

        return parts[2] is "Packages" or "Packages.gz"
            ? paths.Resolve(target, $"releases/{name}/{parts[2]}")
            : files.Contains(parts[2]) ? paths.Resolve(target, parts[2]) : null;
    }
}

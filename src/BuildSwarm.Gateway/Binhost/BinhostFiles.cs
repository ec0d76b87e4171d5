namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Maps a URL below <c>/binhost/</c> to what answers it: <c>[&lt;target&gt;/]Packages[.gz]</c> is the live index served
/// from memory; any other <c>[&lt;target&gt;/]&lt;path&gt;</c> is a file of the target's tree; and
/// <c>[&lt;target&gt;/]releases/&lt;name|stable&gt;/&lt;path&gt;</c> is the release's own <c>Packages</c>/<c>Packages.gz</c>
/// or a shared package file the release lists. Anything else is null (404).
/// </summary>
public sealed class BinhostFiles(BinhostPaths paths, BinhostTargets targets, BinhostReleases releases)
{
    public async Task<BinhostResource?> ResolveAsync(string path, CancellationToken cancellationToken)
    {
        var (target, relative) = targets.Route(path);
        if (relative is "Packages" or "Packages.gz")
        {
            return new LiveIndex(target, Gzip: relative == "Packages.gz");
        }

        if (!relative.StartsWith("releases/", StringComparison.Ordinal))
        {
            return relative == "releases" ? null : File(paths.Resolve(target, relative));
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
            ? File(paths.Resolve(target, $"releases/{name}/{parts[2]}"))
            : files.Contains(parts[2]) ? File(paths.Resolve(target, parts[2])) : null;
    }

    private static PackageFile? File(string? path) => path is null ? null : new PackageFile(path);
}

/// <summary>What a binhost URL names.</summary>
public abstract record BinhostResource;

/// <summary>A target's live <c>Packages</c> or <c>Packages.gz</c>.</summary>
public sealed record LiveIndex(string Target, bool Gzip) : BinhostResource;

/// <summary>A file on disk: a package, or a release's frozen index.</summary>
public sealed record PackageFile(string Path) : BinhostResource;

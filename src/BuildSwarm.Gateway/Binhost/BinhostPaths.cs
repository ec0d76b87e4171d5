namespace BuildSwarm.Gateway.Binhost;

/// <summary>Where a target's binhost lives on disk, and safe resolution of request paths inside it.</summary>
public sealed class BinhostPaths(string dataDir)
{
    public string Root { get; } = Path.GetFullPath(Path.Combine(dataDir, "binhost"));

    public string TargetRoot(string target) => Path.Combine(Root, target);

    public string Incoming => Path.Combine(Root, ".incoming");

    /// <summary>
    /// Maps a URL path below a target root to a file, or null when it names something outside
    /// the root, a hidden file (temporaries live in dot-directories) or a path with odd segments.
    /// </summary>
    public string? Resolve(string target, string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative.Length > 1024 || relative.Contains('\\', StringComparison.Ordinal) || relative.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var segments = relative.Split('/');
        if (segments.Any(s => s.Length == 0 || s.StartsWith('.')))
        {
            return null;
        }

        var root = TargetRoot(target);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}

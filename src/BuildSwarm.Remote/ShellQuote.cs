namespace BuildSwarm.Remote;

/// <summary>Quoting for the POSIX shell that runs remote commands, so paths and ids cannot inject commands.</summary>
public static class ShellQuote
{
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Double-quotes a path from the operator's config so that the remote shell expands variables in it
    /// (<c>$HOME/build-swarm</c>) but does not split it on spaces.
    /// </summary>
    public static string ConfigPath(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "\"";
}

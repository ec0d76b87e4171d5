namespace BuildSwarm.Remote;

/// <summary>Quoting for the POSIX shell that runs remote commands, so paths and ids cannot inject commands.</summary>
public static class ShellQuote
{
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

namespace BuildSwarm.Remote;

public sealed record SshResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>ssh exits 255 when it could not connect or authenticate, never for the remote command.</summary>
    public bool ConnectionFailed => ExitCode == 255;

    public bool Ok => ExitCode == 0;

    public string Reason => Stderr.Trim() is { Length: > 0 } e ? e.Split('\n')[^1] : $"exit code {ExitCode}";
}

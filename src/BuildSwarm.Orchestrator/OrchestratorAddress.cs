namespace BuildSwarm.Orchestrator;

/// <summary>The URL the gateway and drones should use for this orchestrator.</summary>
public sealed class OrchestratorAddress(OrchestratorOptions options)
{
    public string PublicUrl { get; } = options.PublicUrl ?? ListenToPublic(options.Listen);

    public static string ListenToPublic(string listen) =>
        listen.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
}

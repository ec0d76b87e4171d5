namespace BuildSwarm.Cli;

/// <summary>
/// Where the CLI finds the swarm's data directory (its <c>gateway.url</c> and <c>admin.token</c>):
/// <c>--data</c>, then <c>$BUILDSWARM_DATA</c>, then <c>./swarm-data</c> if it exists, then the service
/// install's <c>/var/lib/build-swarm</c> if it exists, else <c>./swarm-data</c>.
/// </summary>
public static class SwarmData
{
    public const string EnvironmentVariable = "BUILDSWARM_DATA";

    public const string SystemDir = "/var/lib/build-swarm";

    public static string Locate(string? flag) =>
        Locate(flag, Environment.GetEnvironmentVariable(EnvironmentVariable), Directory.GetCurrentDirectory(), SystemDir);

    public static string Locate(string? flag, string? environment, string workingDirectory, string systemDir)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return flag;
        }

        if (!string.IsNullOrWhiteSpace(environment))
        {
            return environment;
        }

        var local = Path.Combine(workingDirectory, "swarm-data");
        return !Directory.Exists(local) && Directory.Exists(systemDir) ? systemDir : local;
    }
}

using System.CommandLine;

namespace BuildSwarm.Cli;

/// <summary>Options several commands share, so they are spelled the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<FileInfo?> Config() => new("--config") { Description = "Node configuration file (JSON); see docs/configuration.md" };

    public static Option<string?> Gateway() => new("--gateway") { Description = "Gateway URL (default: $BUILDSWARM_GATEWAY, then <data>/gateway.url, then http://127.0.0.1:8090)" };

    public static Option<string?> Token() => new("--token") { Description = "Admin token (default: $BUILDSWARM_TOKEN, then <data>/admin.token)" };

    public static Option<string?> Data() => new("--data") { Description = "Data directory of the swarm (default: $BUILDSWARM_DATA, then ./swarm-data, then /var/lib/build-swarm)" };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts instead of tables" };
}

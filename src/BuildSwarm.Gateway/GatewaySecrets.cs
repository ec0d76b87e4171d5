using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Gateway;

/// <summary>The admin token (operators) and the cluster token (orchestrators), from config or the data directory.</summary>
public sealed class GatewaySecrets
{
    public GatewaySecrets(GatewayOptions options)
    {
        AdminTokenPath = Path.Combine(options.DataDir, "admin.token");
        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            AdminToken = options.AdminToken;
        }
        else
        {
            (AdminToken, AdminTokenCreated) = BearerToken.LoadOrCreate(AdminTokenPath);
        }

        ClusterToken = !string.IsNullOrEmpty(options.ClusterToken)
            ? options.ClusterToken
            : BearerToken.LoadOrCreate(Path.Combine(options.DataDir, "cluster.token")).Token;
    }

    public string AdminToken { get; }

    public bool AdminTokenCreated { get; }

    public string AdminTokenPath { get; }

    public string ClusterToken { get; }
}

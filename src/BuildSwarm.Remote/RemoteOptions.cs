namespace BuildSwarm.Remote;

/// <summary>Settings for SSH control, push and self-healing (config section <c>Remote</c>).</summary>
public sealed class RemoteOptions
{
    /// <summary>ssh's ConnectTimeout: a dead route must fail fast so the next one is tried.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>How long an idle shared SSH connection (ControlMaster) stays open; 0 opens a new connection per command.</summary>
    public int MultiplexSeconds { get; set; } = 30;

    /// <summary>SSH user; empty means the operator's ssh config or the current user.</summary>
    public string? User { get; set; }

    public string? IdentityFile { get; set; }

    public string? KnownHostsFile { get; set; }

    /// <summary>ssh's StrictHostKeyChecking (<c>yes</c>, <c>accept-new</c>, ...); empty keeps the ssh config's.</summary>
    public string? StrictHostKeyChecking { get; set; }

    /// <summary>An ssh config file (<c>ssh -F</c>); empty uses the operator's <c>~/.ssh/config</c>.</summary>
    public string? SshConfigFile { get; set; }

    /// <summary>Jump host chains tried for every drone when no per-drone or per-site chains are configured.</summary>
    public List<string> JumpHosts { get; set; } = [];

    /// <summary>Drone work directory on the remote host, where its <c>node-id</c> file lives.</summary>
    public string WorkDir { get; set; } = "/var/lib/build-swarm/drone";

    /// <summary>Where push installs releases: <c>&lt;InstallDir&gt;/releases/&lt;version&gt;</c> and a <c>current</c> symlink.</summary>
    public string InstallDir { get; set; } = "/opt/build-swarm";

    /// <summary>Local <c>dotnet publish</c> output that push copies.</summary>
    public string PublishDir { get; set; } = "publish";

    public string ServiceName { get; set; } = "build-swarm-drone";

    /// <summary>How long push waits for a restarted node to report the new version and a running service.</summary>
    public int HealthTimeoutSeconds { get; set; } = 30;

    /// <summary>Command that reboots a host (run over SSH as the SSH user).</summary>
    public string RebootCommand { get; set; } = "systemctl reboot || reboot";

    public Dictionary<string, RemoteHostOptions> Hosts { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, RemoteSiteOptions> Sites { get; set; } = new(StringComparer.Ordinal);

    public SelfHealingOptions SelfHealing { get; set; } = new();

    public RemoteHostOptions Host(string drone) => Hosts.TryGetValue(drone, out var host) ? host : new RemoteHostOptions();

    /// <summary>Jump chains for a drone: its own, else its site's, else the global ones.</summary>
    public IReadOnlyList<string> JumpChains(string drone, string site)
    {
        if (Host(drone).JumpHosts is { Count: > 0 } own)
        {
            return own;
        }

        return Sites.TryGetValue(site, out var s) && s.JumpHosts.Count > 0 ? s.JumpHosts : JumpHosts;
    }
}

/// <summary>Per-drone settings (<c>Remote:Hosts:&lt;drone name&gt;</c>).</summary>
public sealed class RemoteHostOptions
{
    /// <summary>The operator's override address, tried after the drone's reported address.</summary>
    public string? Address { get; set; }

    /// <summary>Jump host chains, each <c>host</c> or <c>hop1,hop2</c> (ssh <c>-J</c> syntax).</summary>
    public List<string> JumpHosts { get; set; } = [];

    /// <summary><c>vm</c>, <c>container</c> or <c>metal</c>; overrides what the drone detected.</summary>
    public string? Kind { get; set; }

    public string? User { get; set; }

    public int? Port { get; set; }

    public string? WorkDir { get; set; }

    public string? InstallDir { get; set; }

    /// <summary>A command taking <c>restart</c> or <c>status</c>, used instead of the detected systemd/OpenRC service.</summary>
    public string? ServiceCommand { get; set; }

    public string? RebootCommand { get; set; }
}

/// <summary>Per-site settings (<c>Remote:Sites:&lt;site&gt;</c>).</summary>
public sealed class RemoteSiteOptions
{
    public List<string> JumpHosts { get; set; } = [];
}

/// <summary>The self-healing ladder (<c>Remote:SelfHealing</c>).</summary>
public sealed class SelfHealingOptions
{
    /// <summary>Off by default: restarting and rebooting machines is something the operator opts into.</summary>
    public bool Enabled { get; set; }

    public int CheckSeconds { get; set; } = 15;

    /// <summary>How long a restarted or rebooted drone has to heartbeat again before the next rung.</summary>
    public int RecoverSeconds { get; set; } = 120;

    /// <summary>After an alert, the drone is left alone this long before the ladder starts again.</summary>
    public int BackoffMinutes { get; set; } = 60;
}

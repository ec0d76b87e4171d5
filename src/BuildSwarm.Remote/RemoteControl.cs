using BuildSwarm.Hosting.Network;

namespace BuildSwarm.Remote;

/// <summary>Identity-checked commands on a drone over SSH: service restart and status, reboot, anything push needs.</summary>
public sealed partial class RemoteControl(RemoteOptions options, RouteFinder routes, SshShell shell, LocalAddresses local, ILogger<RemoteControl> logger)
{
    public RemoteOptions Options => options;

    public SshShell Shell => shell;

    /// <summary>Finds a route and checks the identity of whoever answers; throws when nothing may run.</summary>
    public async Task<RemoteSession> ConnectAsync(RemoteTarget target, CancellationToken cancellationToken)
    {
        var session = await routes.ConnectAsync(target, cancellationToken);
        IdentityGuard.Check(session, local);
        return session;
    }

    public Task<SshResult> RunAsync(RemoteSession session, string command, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        shell.RunAsync(session.Target.Name, session.Route, IdentityGuard.Guarded(session, command), timeout ?? CommandTimeout(session), cancellationToken);

    public async Task<SshResult> RestartServiceAsync(RemoteSession session, CancellationToken cancellationToken)
    {
        var result = await RunAsync(session, ServiceScript(session.Target.Name, "restart"), cancellationToken);
        LogStep(session.Target.Name, "restart", session.Route.ToString(), result.Ok ? "ok" : result.Reason);
        return result;
    }

    public Task<SshResult> ServiceStatusAsync(RemoteSession session, CancellationToken cancellationToken) =>
        RunAsync(session, ServiceScript(session.Target.Name, "status"), cancellationToken);

    /// <summary>Issues a reboot. A dropped connection (255) counts as issued: the host went down under us.</summary>
    public async Task<SshResult> RebootAsync(RemoteSession session, CancellationToken cancellationToken)
    {
        var command = options.Host(session.Target.Name).RebootCommand ?? options.RebootCommand;
        var result = await RunAsync(session, command, cancellationToken);
        LogStep(session.Target.Name, "reboot", session.Route.ToString(), result.Ok || result.ConnectionFailed ? "issued" : result.Reason);
        return result.ConnectionFailed ? result with { ExitCode = 0 } : result;
    }

    /// <summary>Prints <c>systemd</c>, <c>openrc</c>, <c>custom</c> (a configured ServiceCommand) or <c>none</c>.</summary>
    public string DetectInitScript(string drone) =>
        options.Host(drone).ServiceCommand is { Length: > 0 }
            ? "echo custom"
            : "if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo systemd; " +
              "elif command -v rc-service >/dev/null 2>&1; then echo openrc; else echo none; fi";

    /// <summary>A shell snippet for <paramref name="verb"/> (<c>restart</c> or <c>status</c>) of the drone's service.</summary>
    public string ServiceScript(string drone, string verb)
    {
        if (options.Host(drone).ServiceCommand is { Length: > 0 } custom)
        {
            return $"{custom} {verb}";
        }

        var service = ShellQuote.Quote(options.ServiceName);
        var systemd = verb == "status" ? $"systemctl is-active --quiet {service}" : $"systemctl {verb} {service}";
        return $"if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then {systemd}; " +
               $"elif command -v rc-service >/dev/null 2>&1; then rc-service {service} {verb}; " +
               $"else echo 'neither systemd nor OpenRC found: set Remote:Hosts:{drone}:ServiceCommand' >&2; exit 3; fi";
    }

    private TimeSpan CommandTimeout(RemoteSession session) =>
        TimeSpan.FromSeconds((options.ConnectTimeoutSeconds * ((session.Route.Jump?.Split(',').Length ?? 0) + 1)) + 60);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Drone}: {Step} over SSH ({Route}): {Outcome}")]
    private partial void LogStep(string drone, string step, string route, string outcome);
}

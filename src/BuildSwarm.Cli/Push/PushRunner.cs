using System.Diagnostics;
using System.Text.RegularExpressions;

using BuildSwarm.Remote;
namespace BuildSwarm.Cli.Push;

/// <summary>
/// Rolls a published build out to drones: rsync to <c>releases/&lt;version&gt;</c>, switch the <c>current</c>
/// symlink, restart the service, then wait for the node to report the new version with its service running.
/// A node that does not come back healthy is switched back to its previous release and restarted.
/// </summary>
public sealed partial class PushRunner(RemoteControl control, ILogger<PushRunner> logger)
{
    private RemoteOptions Options => control.Options;

    /// <summary>The version the published build reports (<c>build-swarm --version</c> in the publish directory).</summary>
    public static async Task<string> PublishedVersionAsync(string publishDir, CancellationToken cancellationToken)
    {
        var binary = Path.Combine(publishDir, "build-swarm");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"no build-swarm in {Path.GetFullPath(publishDir)}: run 'dotnet publish' or set Remote:PublishDir");
        }

        var start = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var version = output.Trim().Split('\n')[0].Trim();
        if (process.ExitCode != 0 || !ValidVersion().IsMatch(version))
        {
            throw new InvalidOperationException($"{binary} --version printed '{version}' (exit {process.ExitCode}); expected a version");
        }

        return version;
    }

    public async Task<PushOutcome> PushAsync(RemoteTarget target, string publishDir, string version, IProgress<PushStage>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var stage = new PushStage(target.Name, "connecting");
        PushOutcome Done(string result, string detail, RemoteSession? session = null, string? init = null, string? previous = null) =>
            new(target.Name, session?.Route.ToString() ?? "", init ?? "", previous, version, result, detail, clock.Elapsed);

        progress?.Report(stage);
        RemoteSession session;
        try
        {
            session = await control.ConnectAsync(target, cancellationToken);
        }
        catch (RemoteRefusedException ex)
        {
            return Done(PushOutcome.Refused, ex.Message);
        }
        catch (RemoteUnreachableException ex)
        {
            return Done(PushOutcome.Unreachable, ex.Message);
        }

        var configured = (Options.Host(target.Name).InstallDir ?? Options.InstallDir).TrimEnd('/');
        progress?.Report(stage with { Stage = "inspecting" });

        // One round trip: the install dir as the remote shell expands it (rsync will not expand it), the
        // release 'current' points at, and the init system.
        var info = await control.RunAsync(session,
            $"mkdir -p {ShellQuote.ConfigPath(configured + "/releases")} && cd {ShellQuote.ConfigPath(configured)} && pwd -P && " +
            $"{{ readlink current || echo; }} && {control.DetectInitScript(target.Name)}", cancellationToken);
        var lines = info.Stdout.Split('\n');
        if (!info.Ok || lines.Length < 3)
        {
            return Done(PushOutcome.Failed, $"cannot inspect {configured}: {info.Reason}", session);
        }

        var install = lines[0].Trim();
        var previous = lines[1].Trim() is { Length: > 0 } p ? p : null;
        var init = lines[2].Trim();
        if (init == "none")
        {
            return Done(PushOutcome.Failed, $"neither systemd nor OpenRC found: set Remote:Hosts:{target.Name}:ServiceCommand", session, init, previous);
        }

        var release = $"releases/{version}";
        progress?.Report(stage with { Stage = "copying" });
        var linkDest = previous is null ? null : previous.StartsWith('/') ? previous : $"{install}/{previous}";
        var copy = await control.Shell.RsyncAsync(target.Name, session.Route, publishDir, $"{install}/{release}", linkDest, TimeSpan.FromMinutes(10), cancellationToken);
        if (!copy.Ok)
        {
            return Done(PushOutcome.Failed, $"rsync failed: {copy.Reason}", session, init, previous);
        }

        progress?.Report(stage with { Stage = "restarting" });
        var switched = await SwitchAsync(session, install, release, cancellationToken);
        var health = switched.Ok ? await HealthAsync(session, install, version, cancellationToken) : null;
        if (health is { Ok: true })
        {
            LogUpdated(target.Name, version, session.Route.ToString());
            return Done(PushOutcome.Updated, $"{previous ?? "(none)"} -> {release}", session, init, previous);
        }

        var why = health is not null ? $"not healthy within {Options.HealthTimeoutSeconds}s ({health.Reason})" : $"restart failed: {switched.Reason}";
        if (previous is null || previous == release)
        {
            return Done(PushOutcome.Failed, $"{why}; no previous release to roll back to", session, init, previous);
        }

        progress?.Report(stage with { Stage = "rolling back" });
        var back = await SwitchAsync(session, install, previous, cancellationToken);
        var backHealthy = back.Ok && (await control.ServiceStatusAsync(session, cancellationToken)).Ok;
        LogRolledBack(target.Name, version, previous, why);
        return Done(PushOutcome.RolledBack,
            $"{why}; back on {previous}{(backHealthy ? "" : " (its service is not healthy either: check the node)")}", session, init, previous);
    }

    /// <summary>Points <c>current</c> at <paramref name="release"/> atomically (rename over the old link) and restarts.</summary>
    private Task<SshResult> SwitchAsync(RemoteSession session, string install, string release, CancellationToken cancellationToken) =>
        control.RunAsync(session,
            $"cd {ShellQuote.Quote(install)} && ln -sfn {ShellQuote.Quote(release)} current.new && mv -Tf current.new current && " +
            control.ServiceScript(session.Target.Name, "restart"), cancellationToken);

    /// <summary>Polls until the node runs <paramref name="version"/> with its service up; the last check's result.</summary>
    private async Task<SshResult> HealthAsync(RemoteSession session, string install, string version, CancellationToken cancellationToken)
    {
        var check = $"[ \"$({ShellQuote.Quote(install + "/current/build-swarm")} --version 2>/dev/null | head -n 1)\" = {ShellQuote.Quote(version)} ] && " +
                    control.ServiceScript(session.Target.Name, "status");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Options.HealthTimeoutSeconds);
        var wait = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var result = await control.RunAsync(session, check, cancellationToken);
            if (result.Ok || DateTime.UtcNow + wait > deadline)
            {
                return result;
            }

            await Task.Delay(wait, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex ValidVersion();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drone {Drone}: now on {Version} (via {Route})")]
    private partial void LogUpdated(string drone, string version, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drone {Drone}: {Version} {Why}; rolled back to {Previous}")]
    private partial void LogRolledBack(string drone, string version, string previous, string why);
}

public sealed record PushStage(string Drone, string Stage);

public sealed record PushOutcome(
    string Drone, string Route, string Init, string? Previous, string Version, string Result, string Detail, TimeSpan Took)
{
    public const string Updated = "updated";
    public const string RolledBack = "rolled back";
    public const string Failed = "failed";
    public const string Refused = "refused";
    public const string Unreachable = "unreachable";
}

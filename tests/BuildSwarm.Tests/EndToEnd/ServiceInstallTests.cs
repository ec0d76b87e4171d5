using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BuildSwarm.Core.Contracts;
using BuildSwarm.Tests.Docs;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.EndToEnd;

/// <summary>
/// deploy/install.sh installs each role into a temporary root; the command line its systemd unit or OpenRC
/// script starts, as written (only the root prefixed to its paths), serves: gateway, orchestrator, drone.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ServiceInstallTests
{
    private static readonly string[] Roots = ["/opt/build-swarm", "/etc/build-swarm", "/var/lib/build-swarm"];

    [Theory]
    [InlineData("systemd")]
    [InlineData("openrc")]
    public async Task Each_role_installs_with_a_real_config_and_its_service_command_line_serves(string init)
    {
        using var dir = new TempDir();
        var root = dir.Sub("root");
        var publish = dir.Sub("publish");
        var wrapper = Path.Combine(publish, "build-swarm");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{SwarmProcess.Dll}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (gatewayPort, orchestratorPort) = (FreePort.Next(), FreePort.Next());
        var gatewayUrl = $"http://127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}";
        var orchestratorUrl = $"http://127.0.0.1:{orchestratorPort.ToString(CultureInfo.InvariantCulture)}";
        var processes = new List<SwarmProcess>();
        try
        {
            await InstallAsync(init, root, publish, "gateway");
            var gatewayConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "etc/build-swarm/gateway.json")));
            Assert.Equal("/var/lib/build-swarm", gatewayConfig.RootElement.GetProperty("Gateway").GetProperty("DataDir").GetString());
            var gateway = Start(init, root, "gateway", new() { ["BUILDSWARM_Gateway__Listen"] = gatewayUrl });
            processes.Add(gateway);
            await LocalSwarm.WaitHealthyAsync(gatewayUrl, gateway);
            var data = Path.Combine(root, "var/lib/build-swarm");
            Assert.Equal(gatewayUrl, (await File.ReadAllTextAsync(Path.Combine(data, "gateway.url"))).Trim()); // where the CLI looks

            // The orchestrator on the gateway's host finds the cluster token in the data directory.
            await InstallAsync(init, root, publish, "orchestrator", "--gateway", gatewayUrl, "--site", "lab");
            var orchestrator = Start(init, root, "orchestrator", new() { ["BUILDSWARM_Orchestrator__Listen"] = orchestratorUrl });
            processes.Add(orchestrator);
            await LocalSwarm.WaitHealthyAsync(orchestratorUrl, orchestrator);

            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(data, "admin.token"))).Trim());
            using var created = await admin.PostAsJsonAsync("api/gateway/join-tokens", new JoinTokenRequest(AutoApprove: true), SwarmJsonContext.Default.JoinTokenRequest);
            var join = (await created.Content.ReadFromJsonAsync(SwarmJsonContext.Default.JoinTokenCreated))!.Token;
            await InstallAsync(init, root, publish, "drone", "--orchestrator", orchestratorUrl, "--token", join, "--name", $"installed-{init}", "--site", "lab");
            processes.Add(Start(init, root, "drone", []));
            await Poll.UntilAsync(async () =>
                (await admin.GetFromJsonAsync("api/gateway/status", SwarmJsonContext.Default.SwarmStatus))!.Drones.Any(d => d.Name == $"installed-{init}" && d.State == "online"),
                TimeSpan.FromSeconds(60), "the installed drone to come online", () => string.Join("\n", processes.Select(p => $"== {p.Name}\n{p.Output}")));
            // Online is the orchestrator's word and can come a moment before the drone has written the credential it was given.
            await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(data, "drone", "credential"))), TimeSpan.FromSeconds(30),
                "the drone to keep its credential in the data directory", () => string.Join("\n", processes.Select(p => $"== {p.Name}\n{p.Output}")));

            // The CLI finds this service install through its data directory.
            await using var status = SwarmProcess.Start("status", ["status", "--json", "--data", data]);
            Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static async Task InstallAsync(string init, string root, string publish, string role, params string[] options)
    {
        var (code, output) = await RunAsync("sh", [Path.Combine(ApiDocRoutes.RepoRoot(), "deploy", "install.sh"), role, "--init", init, "--root", root, "--publish", publish, .. options]);
        Assert.True(code == 0, output);
        Assert.Contains($"installed build-swarm-{role} ({init})", output, StringComparison.Ordinal);
        Assert.Contains($"config /etc/build-swarm/{role}.json, data /var/lib/build-swarm", output, StringComparison.Ordinal);
    }

    /// <summary>The service's command line exactly as its file says, with the temporary root in front of its paths.</summary>
    private static SwarmProcess Start(string init, string root, string role, Dictionary<string, string> environment)
    {
        var line = init == "systemd" ? SystemdCommand(root, role) : OpenRcCommand(root, role);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => Roots.Aggregate(w, (word, path) => word.StartsWith(path, StringComparison.Ordinal) ? root + word : word)).ToList();
        return SwarmProcess.StartCommand(role, words[0], words.Skip(1), environment);
    }

    private static string SystemdCommand(string root, string role)
    {
        var unit = File.ReadAllLines(Path.Combine(root, $"etc/systemd/system/build-swarm-{role}.service"));
        Assert.Contains("Restart=always", unit); // a drone exits 75 to be restarted
        return unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
    }

    /// <summary>Sources conf.d and the init script as openrc-run does and prints command, command_args and the supervisor settings.</summary>
    private static string OpenRcCommand(string root, string role)
    {
        var script = $". '{root}/etc/conf.d/build-swarm-{role}'; . '{root}/etc/init.d/build-swarm-{role}'; printf '%s\\n' \"$supervisor\" \"$respawn_max\" \"$command $command_args\"";
        using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true })!;
        var lines = shell.StandardOutput.ReadToEnd().Split('\n');
        shell.WaitForExit();
        Assert.Equal(("supervise-daemon", "0"), (lines[0], lines[1])); // respawned whenever it exits, exit 75 included
        Assert.True(File.Exists(Path.Combine(root, "etc/logrotate.d/build-swarm")), "the OpenRC logs in /var/log/build-swarm are rotated");
        return lines[2];
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

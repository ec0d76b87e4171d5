using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dispatch;

/// <summary>The swarm under test: separate gateway and orchestrator processes, or one <c>up --drones 0</c>.</summary>
internal sealed class ServerProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _dataRoot;

    private ServerProcesses(string dataRoot) => _dataRoot = dataRoot;

    public required string GatewayUrl { get; init; }
    public required string OrchestratorUrl { get; init; }
    public string AdminToken { get; private set; } = "";

    public IReadOnlyList<int> Pids => [.. _processes.Select(p => p.Id)];

    public static async Task<ServerProcesses> StartAsync(string mode, string dll, CancellationToken cancellationToken)
    {
        var dataRoot = Directory.CreateTempSubdirectory("dispatch-bench.").FullName;
        var gatewayPort = FreePortPair();
        var servers = new ServerProcesses(dataRoot)
        {
            GatewayUrl = $"http://127.0.0.1:{gatewayPort}",
            OrchestratorUrl = $"http://127.0.0.1:{gatewayPort + 1}",
        };
        try
        {
            var data = Path.Combine(dataRoot, "gateway");
            if (mode == "up")
            {
                servers.Start(dll, ["up", "--drones", "0", "--port", $"{gatewayPort}", "--data", data], [], "up");
                await WaitHealthyAsync(servers.GatewayUrl, cancellationToken);
            }
            else
            {
                servers.Start(dll, ["gateway", "--data", data], [("BUILDSWARM_Gateway__Listen", servers.GatewayUrl)], "gateway");
                await WaitHealthyAsync(servers.GatewayUrl, cancellationToken);
                var cluster = (await File.ReadAllTextAsync(Path.Combine(data, "cluster.token"), cancellationToken)).Trim();
                servers.Start(dll, ["orchestrator", "--gateway", servers.GatewayUrl, "--token", cluster, "--site", "bench"],
                    [("BUILDSWARM_Orchestrator__Listen", servers.OrchestratorUrl), ("BUILDSWARM_Orchestrator__Name", "bench-orchestrator")], "orchestrator");
            }

            await WaitHealthyAsync(servers.OrchestratorUrl, cancellationToken);
            servers.AdminToken = (await File.ReadAllTextAsync(Path.Combine(data, "admin.token"), cancellationToken)).Trim();
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    private void Start(string dll, IReadOnlyList<string> args, IReadOnlyList<(string Name, string Value)> environment, string name)
    {
        // exec: the PID we measure and kill is the server itself, its output goes to a file, no pipe to drain.
        var log = Path.Combine(_dataRoot, name + ".log");
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = _dataRoot, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec dotnet \"$@\" >\"$BENCH_LOG\" 2>&1");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["BENCH_LOG"] = log;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        _processes.Add(Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}"));
    }

    private static async Task WaitHealthyAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < giveUp)
        {
            try
            {
                using var response = await http.GetAsync($"{url}/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{url}/healthz did not answer within 90 s");
    }

    /// <summary>A free port whose successor is free too (<c>up</c> puts the orchestrator on the next port).</summary>
    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free pair of ports");
    }

    public string LogTail(int lines = 20)
    {
        var tails = Directory.GetFiles(_dataRoot, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n" + string.Join('\n', File.ReadLines(f).TakeLast(lines)));
        return string.Join('\n', tails);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"could not stop PID {process.Id}: {ex.Message}");
            }

            process.Dispose();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"could not delete {_dataRoot}: {ex.Message}");
        }
    }
}

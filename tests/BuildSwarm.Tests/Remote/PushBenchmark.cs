using System.Diagnostics;
using BuildSwarm.Cli.Push;
using BuildSwarm.Remote;
using BuildSwarm.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BuildSwarm.Tests.Remote;

/// <summary>
/// Not part of the test run (explicit): <c>bench/remote/push.sh</c> runs it to time a push to five
/// nodes, each a network namespace with its own sshd, from a real <c>dotnet publish</c> output.
/// </summary>
public sealed class PushBenchmark
{
    [Fact(Explicit = true)]
    public async Task Push_to_five_nodes()
    {
        var publish = Environment.GetEnvironmentVariable("BUILDSWARM_BENCH_PUBLISH") ?? throw new InvalidOperationException("set BUILDSWARM_BENCH_PUBLISH");
        using var lab = new NetnsLab();
        var nodes = new List<(SshNode Node, string Address)>();
        for (var i = 1; i <= 5; i++)
        {
            var node = lab.AddNode($"n{i}");
            nodes.Add((node, lab.LinkToRoot(node).Node));
            node.Start();
        }

        foreach (var (node, _) in nodes)
        {
            await node.WaitReadyAsync();
        }

        var options = new RemoteOptions
        {
            SshConfigFile = lab.SshConfig,
            WorkDir = "$BUILDSWARM_NODE_DIR/work",
            InstallDir = "$BUILDSWARM_NODE_DIR/opt",
            Hosts = nodes.ToDictionary(n => n.Node.Name, _ => RemoteLab.ScriptedService()),
        };
        var kit = new RemoteKit(options, null, NullLoggerFactory.Instance);
        var version = await PushRunner.PublishedVersionAsync(publish, TestContext.Current.CancellationToken);
        var report = new List<string>();
        foreach (var round in new[] { "first push (empty nodes)", "second push (same build, nodes warm)" })
        {
            var clock = Stopwatch.StartNew();
            var stages = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var progress = new SyncProgress(s => stages.Enqueue($"{clock.Elapsed.TotalSeconds:0.00} {s.Drone} {s.Stage}"));
            var outcomes = await Task.WhenAll(nodes.Select(n =>
                kit.Push.PushAsync(new RemoteTarget(n.Node.Name, n.Node.NodeId, n.Address), publish, version, progress, TestContext.Current.CancellationToken)));
            if (Environment.GetEnvironmentVariable("BUILDSWARM_BENCH_STAGES") is not null)
            {
                report.AddRange(stages);
            }

            clock.Stop();
            Assert.All(outcomes, o => Assert.True(o.Result == PushOutcome.Updated, $"{o.Drone}: {o.Result} {o.Detail}"));
            report.Add($"{round}: 5 nodes in {clock.Elapsed.TotalSeconds:0.00} s (slowest node {outcomes.Max(o => o.Took).TotalSeconds:0.00} s)");
        }

        var size = new DirectoryInfo(publish).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        report.Insert(0, $"payload: {size / (1024.0 * 1024.0):0.0} MiB, version {version}");
        if (Environment.GetEnvironmentVariable("BUILDSWARM_BENCH_OUT") is { } output)
        {
            await File.WriteAllLinesAsync(output, report, TestContext.Current.CancellationToken);
        }

        TestContext.Current.SendDiagnosticMessage(string.Join("\n", report));
    }

    private sealed class SyncProgress(Action<PushStage> report) : IProgress<PushStage>
    {
        public void Report(PushStage value) => report(value);
    }
}

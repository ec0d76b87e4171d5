using System.Diagnostics;
using System.Text;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>A <c>build-swarm</c> child process; killed by PID when disposed.</summary>
public sealed class SwarmProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SwarmProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string Dll
    {
        get
        {
            var local = Path.Combine(AppContext.BaseDirectory, "build-swarm.dll");
            return File.Exists(local) ? local : throw new FileNotFoundException("build-swarm.dll is not next to the tests", local);
        }
    }

    public static string DemoBuilder => Path.Combine(AppContext.BaseDirectory, "builders", "demo-builder.sh");

    /// <summary>
    /// Starts <c>build-swarm</c>; with <paramref name="networkNamespace"/> inside that namespace (<c>ip netns exec</c> execs, so the PID is dotnet's);
    /// with <paramref name="launcher"/> (e.g. <c>setpriv</c> to run as another user, which execs too) through that command line.
    /// </summary>
    public static SwarmProcess Start(string name, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null,
        string? networkNamespace = null, IReadOnlyList<string>? launcher = null)
    {
        var prefix = new List<string>(launcher ?? []);
        if (networkNamespace is not null)
        {
            prefix.AddRange(["ip", "netns", "exec", networkNamespace]);
        }

        var start = new ProcessStartInfo(prefix.Count == 0 ? "dotnet" : prefix[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (prefix.Count > 0)
        {
            foreach (var arg in prefix.Skip(1).Append("dotnet"))
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Launch(name, start);
    }

    /// <summary>Starts a command line as a service manager would (e.g. a unit's ExecStart), with <paramref name="environment"/> added.</summary>
    public static SwarmProcess StartCommand(string name, string file, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Launch(name, start);
    }

    private static SwarmProcess Launch(string name, ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var swarm = new SwarmProcess(process, name);
        process.OutputDataReceived += (_, e) => swarm.Append(e.Data);
        process.ErrorDataReceived += (_, e) => swarm.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return swarm;
    }

    /// <summary>Like <c>kill -9</c>: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

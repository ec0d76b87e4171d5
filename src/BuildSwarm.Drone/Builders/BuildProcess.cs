using System.Diagnostics;

namespace BuildSwarm.Drone.Builders;

/// <summary>Runs one program for a job, appending everything it prints to the job's log.</summary>
public static class BuildProcess
{
    /// <summary>The exit code, or null when <paramref name="timeout"/> ran out and the process tree was killed.</summary>
    public static async Task<int?> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string logFile,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        bool cleanEnvironment = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (cleanEnvironment)
        {
            // Nothing of the drone's own environment leaks into the build (the sweeper's last-resort mode).
            var path = start.Environment.TryGetValue("PATH", out var p) && p is not null ? p : "/usr/local/bin:/usr/bin:/bin";
            start.Environment.Clear();
            start.Environment["PATH"] = path;
            start.Environment["HOME"] = workingDirectory;
            start.Environment["LANG"] = "C.UTF-8";
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        await using var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        using var gate = new SemaphoreSlim(1, 1);
        async Task PumpAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                await gate.WaitAsync(CancellationToken.None);
                try
                {
                    await log.WriteLineAsync(line);
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await pumps;
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        await pumps;
        return process.ExitCode;
    }
}

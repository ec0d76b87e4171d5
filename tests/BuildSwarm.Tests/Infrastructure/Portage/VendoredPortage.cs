using System.Diagnostics;
using System.Security.Cryptography;

namespace BuildSwarm.Tests.Infrastructure.Portage;

/// <summary>Portage's unmodified source from <c>../shared/vendor/portage-*.tar.gz</c>, unpacked once per tarball hash.</summary>
public static class VendoredPortage
{
    private static readonly SemaphoreSlim Unpacking = new(1, 1);

    /// <summary>The unpacked tree (holds <c>bin/</c>, <c>lib/</c>, <c>cnf/</c>); world-readable, so the test user can run it.</summary>
    public static async Task<string> TreeAsync()
    {
        await Unpacking.WaitAsync();
        try
        {
            var tarball = Tarball();
            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(tarball)))[..16];
            var target = Path.Combine(Path.GetTempPath(), $"buildswarm-portage-{hash}");
            if (!Directory.Exists(target))
            {
                var staging = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}";
                Directory.CreateDirectory(staging);
                var (code, output) = await RunAsync("tar", ["-xzf", tarball, "-C", staging], new Dictionary<string, string>());
                Assert.True(code == 0, output);
                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (Directory.Exists(target))
                {
                    Directory.Delete(staging, recursive: true); // another test run unpacked it first
                }
            }

            // Byte-compiled once, as root: the test user cannot write __pycache__ there, and every one of the hundreds of
            // Python processes a merge starts would otherwise compile Portage's modules again. Cheap when up to date.
            var tree = Path.Combine(target, "portage");
            var (compiled, compileOutput) = await RunAsync("/usr/bin/python3", ["-m", "compileall", "-q", "-j", "0", Path.Combine(tree, "lib")],
                new Dictionary<string, string>());
            Assert.True(compiled == 0, compileOutput);
            return tree;
        }
        finally
        {
            Unpacking.Release();
        }
    }

    public static string Tarball()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var vendor = Path.Combine(dir.FullName, "shared", "vendor");
            if (Directory.Exists(vendor) && Directory.GetFiles(vendor, "portage-*.tar.gz") is [var tarball])
            {
                return tarball;
            }
        }

        throw new InvalidOperationException($"no shared/vendor/portage-*.tar.gz above {AppContext.BaseDirectory}: this test needs Portage's source");
    }

    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{file} timed out after {timeout}\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using System.Security.Cryptography;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>Real gpkg files made by the shipped demo builder.</summary>
public static class DemoPackage
{
    public static async Task<string> BuildAsync(string cpv, string outputDir, string deps = "")
    {
        Directory.CreateDirectory(outputDir);
        var start = new ProcessStartInfo("bash", [SwarmProcess.DemoBuilder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["BUILDSWARM_CPV"] = cpv;
        start.Environment["BUILDSWARM_OUTPUT_DIR"] = outputDir;
        start.Environment["BUILDSWARM_DEMO_SECONDS"] = "0";
        start.Environment["BUILDSWARM_DEPS"] = deps;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"demo builder failed: {await stderr}");
        return Directory.GetFiles(outputDir, "*.gpkg.tar").Single();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

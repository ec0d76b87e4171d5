using System.Diagnostics;

namespace BuildSwarm.Drone.Control;

/// <summary>What a drone runs on (<c>vm</c>, <c>container</c>, <c>metal</c>), as <c>systemd-detect-virt</c> says; null when unknown.</summary>
public static class DroneKind
{
    public static string? Detect()
    {
        if (File.Exists("/.dockerenv") || File.Exists("/run/.containerenv"))
        {
            return "container";
        }

        if (Run("--container") is { } container && container != "none")
        {
            return "container";
        }

        return Run("--vm") switch
        {
            null => null,
            "none" => "metal",
            _ => "vm",
        };
    }

    private static string? Run(string flag)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("systemd-detect-virt", flag) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null || !process.WaitForExit(3000))
            {
                return null;
            }

            // It prints "none" and exits 1 when there is no virtualisation of that sort.
            return process.StandardOutput.ReadToEnd().Trim() is { Length: > 0 } answer ? answer : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

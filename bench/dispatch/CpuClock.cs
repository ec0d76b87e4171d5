using System.Globalization;

namespace Dispatch;

/// <summary>CPU time of processes from /proc/&lt;pid&gt;/stat, and the load average.</summary>
internal static class CpuClock
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>utime + stime of the process in seconds; 0 when it is gone.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static double Seconds(IEnumerable<int> pids) => pids.Sum(Seconds);

    public static string LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{parts[0]} {parts[1]} {parts[2]}";
    }

    public static double Load1() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}

using BuildSwarm.Core.Fleet;
using BuildSwarm.Drone.Configuration;
using BuildSwarm.Hosting.Network;

namespace BuildSwarm.Drone;

/// <summary>Where this drone says it can be reached: REPORT_IP when set, else its best interface address.</summary>
public sealed record DroneAddresses(string? Reported, IReadOnlyList<string> All)
{
    public static DroneAddresses Detect(DroneOptions options)
    {
        var all = LocalAddresses.All();
        var reported = string.IsNullOrWhiteSpace(options.ReportIp) ? AddressPreference.Choose(all)?.ToString() : options.ReportIp.Trim();
        return new DroneAddresses(reported, all.Select(a => a.ToString()).ToList());
    }
}

using System.Net;
using System.Net.NetworkInformation;
using BuildSwarm.Core.Fleet;

namespace BuildSwarm.Fleet;

/// <summary>This host's own interface addresses: what a drone's observed address must never be mistaken for.</summary>
public static class LocalAddresses
{
    public static IReadOnlyList<IPAddress> All()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(u => AddressPreference.Normalize(u.Address))
                .Distinct()
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }
    }

    public static IReadOnlyList<string> AllAsText() => All().Select(a => a.ToString()).ToList();
}

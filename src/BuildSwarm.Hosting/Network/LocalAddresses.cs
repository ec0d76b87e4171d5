using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using BuildSwarm.Core.Fleet;

namespace BuildSwarm.Hosting.Network;

/// <summary>
/// This host's own interface addresses. A drone's observed address must never be mistaken for one of them, and a
/// destructive command aimed at one of them would hit the machine the controller runs on (a NATed drone reporting
/// the gateway's address, a typo in an override), so it is refused before anything runs.
/// </summary>
public sealed class LocalAddresses
{
    public static LocalAddresses Current { get; } = new();

    /// <summary>Addresses of the interfaces that are up, normalised (<see cref="AddressPreference.Normalize"/>).</summary>
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

    /// <summary>The addresses a host name or address stands for; none when it does not resolve.</summary>
    public static IReadOnlyList<IPAddress> Resolve(string address)
    {
        var host = address.Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return [AddressPreference.Normalize(ip)];
        }

        try
        {
            return Dns.GetHostAddresses(host).Select(AddressPreference.Normalize).ToList();
        }
        catch (SocketException)
        {
            return [];
        }
        catch (ArgumentException)
        {
            return [];
        }
    }

    public bool IsOwn(string address)
    {
        var own = OwnOnAnyInterface();
        return Resolve(address).Any(a => IPAddress.IsLoopback(a) || own.Contains(a));
    }

    /// <summary>True when <paramref name="address"/> is one of <paramref name="hosts"/> (names or addresses), or this machine.</summary>
    public bool IsAmong(string address, IEnumerable<string> hosts)
    {
        var resolved = Resolve(address);
        return IsOwn(address) || hosts.SelectMany(Resolve).Any(resolved.Contains);
    }

    // Interfaces that are down count too: their addresses are still this machine's.
    private static List<IPAddress> OwnOnAnyInterface() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => AddressPreference.Normalize(a.Address))
            .ToList();
}

using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace BuildSwarm.Remote;

/// <summary>
/// The controller's own addresses. A destructive command aimed at one of them would hit the machine
/// the controller runs on (a NATed drone reporting the gateway's address, a typo in an override),
/// so it is refused before anything runs.
/// </summary>
public sealed class LocalAddresses
{
    public static LocalAddresses Current { get; } = new();

    public static IReadOnlyList<IPAddress> Own() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => Normalize(a.Address))
            .ToList();

    public bool IsOwn(string address) => Resolve(address).Any(a => IPAddress.IsLoopback(a) || Own().Contains(a));

    /// <summary>True when <paramref name="address"/> is one of <paramref name="hosts"/> (names or addresses), or this machine.</summary>
    public bool IsAmong(string address, IEnumerable<string> hosts)
    {
        var resolved = Resolve(address);
        return IsOwn(address) || hosts.SelectMany(Resolve).Any(resolved.Contains);
    }

    public static IReadOnlyList<IPAddress> Resolve(string address)
    {
        var host = address.Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return [Normalize(ip)];
        }

        try
        {
            return Dns.GetHostAddresses(host).Select(Normalize).ToList();
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

    private static IPAddress Normalize(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return plain.AddressFamily == AddressFamily.InterNetworkV6 && plain.ScopeId != 0 ? new IPAddress(plain.GetAddressBytes()) : plain;
    }
}

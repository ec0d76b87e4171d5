using System.Net;
using System.Net.Sockets;

namespace BuildSwarm.Core.Fleet;

/// <summary>
/// Which of a host's addresses others should use to reach it: a VPN mesh address first (it works from every
/// site), then a private LAN address, then any other routable one; loopback only when there is nothing else.
/// </summary>
public static class AddressPreference
{
    public static IPAddress? Choose(IEnumerable<IPAddress> addresses) =>
        addresses.Select(Normalize)
            .Select(a => (Address: a, Rank: Rank(a)))
            .Where(x => x.Rank < int.MaxValue)
            .OrderBy(x => x.Rank)
            .ThenBy(x => x.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .Select(x => x.Address)
            .FirstOrDefault();

    /// <summary>Lower is better; <see cref="int.MaxValue"/> means never (link-local, unspecified, multicast).</summary>
    public static int Rank(IPAddress address)
    {
        address = Normalize(address);
        if (IPAddress.IsLoopback(address))
        {
            return 4;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6Multicast || IsIPv4LinkLocal(address))
        {
            return int.MaxValue;
        }

        if (IsMesh(address))
        {
            return 0;
        }

        return IsPrivate(address) ? 1 : IsUniqueLocal(address) ? 2 : 3;
    }

    /// <summary>Carrier-grade NAT space 100.64.0.0/10, which Tailscale and similar meshes use, and Tailscale's fd7a:115c:a1e0::/48.</summary>
    public static bool IsMesh(IPAddress address)
    {
        var bytes = Normalize(address).GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? bytes[0] == 100 && (bytes[1] & 0xC0) == 64
            : bytes.Length == 16 && bytes[0] == 0xfd && bytes[1] == 0x7a && bytes[2] == 0x11 && bytes[3] == 0x5c && bytes[4] == 0xa1 && bytes[5] == 0xe0;
    }

    public static bool IsPrivate(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168);
    }

    /// <summary>An IPv4-mapped IPv6 address as plain IPv4, and an IPv6 address without its scope id, so that one host's address compares equal however it was learnt.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return plain.AddressFamily == AddressFamily.InterNetworkV6 && plain.ScopeId != 0 ? new IPAddress(plain.GetAddressBytes()) : plain;
    }

    private static bool IsUniqueLocal(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && (address.GetAddressBytes()[0] & 0xFE) == 0xFC;

    private static bool IsIPv4LinkLocal(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, ..];
}

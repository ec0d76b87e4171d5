using System.Net;

namespace BuildSwarm.Core.Fleet;

/// <summary>
/// What the gateway records about where a drone is: the address it reports, the source address its
/// request came from, and whether a NAT sits between them.
/// </summary>
/// <param name="Address">The address to reach the drone at: the reported one, else an observed one that is not ours.</param>
/// <param name="ReportedAddress">What the drone says it can be reached at (REPORT_IP or its best interface address).</param>
/// <param name="ObservedAddress">Null when the source address was one of the gateway's or orchestrator's own.</param>
/// <param name="BehindNat">The source address is none of the drone's own addresses.</param>
/// <param name="MaskedByGateway">The source address was one of ours though the drone does not have it: a router on our host rewrote it.</param>
public sealed record AddressVerdict(string? Address, string? ReportedAddress, string? ObservedAddress, bool BehindNat, bool MaskedByGateway)
{
    public static AddressVerdict Judge(string? reported, IEnumerable<string> droneAddresses, string? observed, IEnumerable<string> ownAddresses)
    {
        var reportedIp = Parse(reported);
        var droneOwn = droneAddresses.Select(Parse).OfType<IPAddress>().ToHashSet();
        if (reportedIp is not null)
        {
            droneOwn.Add(reportedIp);
        }

        var observedIp = Parse(observed);
        if (observedIp is null)
        {
            return new AddressVerdict(reportedIp?.ToString(), reportedIp?.ToString(), null, false, false);
        }

        var ours = ownAddresses.Select(Parse).OfType<IPAddress>().ToHashSet().Contains(observedIp);
        var theirs = droneOwn.Contains(observedIp);

        // A drone that tells us nothing about its addresses cannot be judged to be behind a NAT.
        var behindNat = droneOwn.Count > 0 && !theirs;
        var kept = ours ? null : observedIp.ToString();
        return new AddressVerdict(reportedIp?.ToString() ?? kept, reportedIp?.ToString(), kept, behindNat, ours && !theirs);
    }

    private static IPAddress? Parse(string? text) =>
        IPAddress.TryParse(text?.Trim(), out var address) ? AddressPreference.Normalize(address) : null;
}

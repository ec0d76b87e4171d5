using System.Net;
using BuildSwarm.Core.Fleet;

namespace BuildSwarm.Tests.Fleet;

public sealed class AddressVerdictTests
{
    [Fact]
    public void A_mesh_address_beats_a_lan_address_which_beats_loopback()
    {
        IPAddress[] all = [IPAddress.Loopback, IPAddress.Parse("192.168.1.20"), IPAddress.Parse("100.101.102.103"), IPAddress.Parse("fe80::1")];
        Assert.Equal("100.101.102.103", AddressPreference.Choose(all)?.ToString());
        Assert.Equal("192.168.1.20", AddressPreference.Choose(all.Where(a => !AddressPreference.IsMesh(a)))?.ToString());
        Assert.Equal("127.0.0.1", AddressPreference.Choose([IPAddress.Loopback, IPAddress.Parse("169.254.3.4")])?.ToString());
        Assert.Null(AddressPreference.Choose([IPAddress.Parse("fe80::1")]));
    }

    [Theory]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.254", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("100.63.255.255", false)]
    [InlineData("fd7a:115c:a1e0::1", true)]
    public void Mesh_is_100_64_slash_10_and_the_tailscale_ula(string address, bool mesh) =>
        Assert.Equal(mesh, AddressPreference.IsMesh(IPAddress.Parse(address)));

    [Fact]
    public void A_drone_seen_from_its_own_address_is_not_behind_nat()
    {
        var verdict = AddressVerdict.Judge("192.168.77.2", ["192.168.77.2", "127.0.0.1"], "::ffff:192.168.77.2", ["10.77.1.1"]);
        Assert.Equal(new AddressVerdict("192.168.77.2", "192.168.77.2", "192.168.77.2", false, false), verdict);
    }

    [Fact]
    public void A_drone_seen_from_another_address_is_behind_nat_and_keeps_its_reported_address()
    {
        var verdict = AddressVerdict.Judge("192.168.77.2", ["192.168.77.2"], "10.77.1.2", ["10.77.1.1"]);
        Assert.Equal(new AddressVerdict("192.168.77.2", "192.168.77.2", "10.77.1.2", true, false), verdict);
    }

    [Fact]
    public void An_observed_address_that_is_ours_is_never_stored()
    {
        var verdict = AddressVerdict.Judge(null, ["192.168.78.2"], "10.77.1.1", ["127.0.0.1", "10.77.1.1"]);
        Assert.Null(verdict.Address);
        Assert.Null(verdict.ObservedAddress);
        Assert.True(verdict.MaskedByGateway);
        Assert.True(verdict.BehindNat);
    }

    [Fact]
    public void A_drone_on_the_same_host_is_neither_masked_nor_behind_nat()
    {
        var verdict = AddressVerdict.Judge("192.0.2.2", ["127.0.0.1", "192.0.2.2"], "127.0.0.1", ["127.0.0.1", "192.0.2.2"]);
        Assert.Equal(new AddressVerdict("192.0.2.2", "192.0.2.2", null, false, false), verdict);
    }
}

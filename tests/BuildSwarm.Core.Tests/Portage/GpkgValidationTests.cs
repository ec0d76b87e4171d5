using System.Text;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class GpkgValidationTests
{
    private const string Top = "hello-1.0-r1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<GpkgMemberBytes>> MembersAsync() =>
        await GpkgTestArchive.ReadMembersAsync(await SampleGpkg.BytesAsync(), Ct);

    private static async Task<InvalidPackageException> RejectAsync(IEnumerable<GpkgMemberBytes> members) =>
        await Assert.ThrowsAsync<InvalidPackageException>(async () =>
            await SampleGpkg.ReadAsync(await GpkgTestArchive.WriteMembersAsync(members, Ct)));

    [Fact]
    public async Task Untouched_package_is_accepted()
    {
        var info = await SampleGpkg.ReadAsync(await GpkgTestArchive.WriteMembersAsync(await MembersAsync(), Ct));

        Assert.Equal(Top, info.TopDirectory);
    }

    [Fact]
    public async Task Tampered_image_byte_is_a_hash_mismatch_naming_the_member()
    {
        var members = await MembersAsync();
        var image = members.Single(m => m.FileName == "image.tar.zst");
        image.Data[image.Data.Length / 2] ^= 0x01;

        var error = await RejectAsync(members);

        Assert.Contains("'image.tar.zst'", error.Message, StringComparison.Ordinal);
        Assert.Contains("BLAKE2B", error.Message, StringComparison.Ordinal);
        Assert.Contains("the Manifest says", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_metadata_is_reported_as_a_hash_mismatch_not_a_decompression_error()
    {
        var members = await MembersAsync();
        var metadata = members.Single(m => m.FileName == "metadata.tar.zst");
        metadata.Data[metadata.Data.Length / 2] ^= 0xff;

        var error = await RejectAsync(members);

        Assert.Contains("'metadata.tar.zst' has BLAKE2B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Size_differing_from_the_manifest_is_rejected()
    {
        var members = await MembersAsync();
        var manifest = members.Single(m => m.FileName == "Manifest");
        var image = members.Single(m => m.FileName == "image.tar.zst");
        var text = Encoding.UTF8.GetString(manifest.Data).Replace($"image.tar.zst {image.Data.Length} ", $"image.tar.zst {image.Data.Length + 1} ", StringComparison.Ordinal);
        members[members.IndexOf(manifest)] = manifest with { Data = Encoding.UTF8.GetBytes(text) };

        var error = await RejectAsync(members);

        Assert.Equal($"gpkg member 'image.tar.zst' is {image.Data.Length} bytes but the Manifest says {image.Data.Length + 1}", error.Message);
    }

    [Fact]
    public async Task Member_missing_from_the_manifest_is_rejected()
    {
        var members = await MembersAsync();
        members.Insert(3, new GpkgMemberBytes($"{Top}/image.tar.zst.sig", Encoding.UTF8.GetBytes("not really a signature")));

        var error = await RejectAsync(members);

        Assert.Equal("gpkg member 'image.tar.zst.sig' is not listed in the Manifest", error.Message);
    }

    [Fact]
    public async Task Signature_members_listed_in_the_manifest_are_accepted()
    {
        var members = await MembersAsync();
        members.Insert(3, new GpkgMemberBytes($"{Top}/image.tar.zst.sig", Encoding.UTF8.GetBytes("detached signature")));
        members.Insert(2, new GpkgMemberBytes($"{Top}/metadata.tar.zst.sig", Encoding.UTF8.GetBytes("detached signature")));

        var info = await SampleGpkg.ReadAsync(await GpkgTestArchive.WriteMembersAsync(GpkgTestArchive.WithFreshManifest(members), Ct));

        Assert.True(info.IsSigned);
        Assert.Equal(6, info.Members.Count);
    }

    [Fact]
    public async Task Manifest_entry_without_a_member_is_rejected()
    {
        var members = await MembersAsync();
        var manifest = members.Single(m => m.FileName == "Manifest");
        var extraLine = GpkgManifestEntry.From("image.tar.zst.sig", GpkgTestArchive.Digest([1, 2, 3])).ToLine() + "\n";
        members[^1] = manifest with { Data = [.. manifest.Data, .. Encoding.UTF8.GetBytes(extraLine)] };

        var error = await RejectAsync(members);

        Assert.Equal("gpkg Manifest lists 'image.tar.zst.sig' but the package has no such member", error.Message);
    }

    [Fact]
    public async Task Manifest_without_gpkg_1_is_rejected_as_current_portage_does()
    {
        var members = await MembersAsync();
        var manifest = members.Single(m => m.FileName == "Manifest");
        var lines = Encoding.UTF8.GetString(manifest.Data).Split('\n').Where(l => !l.StartsWith("DATA gpkg-1 ", StringComparison.Ordinal));
        members[^1] = manifest with { Data = Encoding.UTF8.GetBytes(string.Join('\n', lines)) };

        var error = await RejectAsync(members);

        Assert.Equal("gpkg member 'gpkg-1' is not listed in the Manifest", error.Message);
    }

    [Fact]
    public async Task Unknown_extra_member_is_rejected()
    {
        var members = await MembersAsync();
        members.Insert(3, new GpkgMemberBytes($"{Top}/extra.txt", [1]));

        var error = await RejectAsync(GpkgTestArchive.WithFreshManifest(members));

        Assert.StartsWith($"gpkg member '{Top}/extra.txt' is not part of a gpkg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_image_is_rejected()
    {
        var members = (await MembersAsync()).Where(m => m.FileName != "image.tar.zst");

        var error = await RejectAsync(GpkgTestArchive.WithFreshManifest(members));

        Assert.Equal("gpkg has no image.tar.<ext> member", error.Message);
    }

    [Fact]
    public async Task Two_top_directories_are_rejected()
    {
        var members = await MembersAsync();
        members[2] = members[2] with { Name = "other-1.0/image.tar.zst" };

        var error = await RejectAsync(members);

        Assert.Equal($"gpkg members are under more than one directory ('{Top}' and 'other-1.0')", error.Message);
    }

    [Theory]
    [InlineData("../gpkg-1")]
    [InlineData("hello-1.0-r1/../gpkg-1")]
    [InlineData("hello-1.0-r1/sub/gpkg-1")]
    [InlineData("gpkg-1")]
    [InlineData("./gpkg-1")]
    public async Task Names_not_directly_under_one_directory_are_rejected(string name)
    {
        var members = await MembersAsync();
        members[0] = members[0] with { Name = name };

        var error = await RejectAsync(members);

        Assert.Contains($"'{name}' is not directly under one top directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Absolute_name_is_rejected()
    {
        var members = await MembersAsync();
        members[0] = members[0] with { Name = "/hello-1.0-r1/gpkg-1" };

        var error = await RejectAsync(members);

        Assert.Equal("gpkg member '/hello-1.0-r1/gpkg-1' has an absolute name", error.Message);
    }

    [Fact]
    public async Task Directory_entry_is_rejected()
    {
        var members = await MembersAsync();
        members.Insert(0, new GpkgMemberBytes($"{Top}/", []));

        var error = await RejectAsync(members);

        Assert.Contains("is a Directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_not_last_is_rejected()
    {
        var members = await MembersAsync();
        var manifest = members[^1];
        members.RemoveAt(members.Count - 1);
        members.Insert(2, manifest);

        var error = await RejectAsync(members);

        Assert.Equal($"gpkg member '{Top}/image.tar.zst' follows the Manifest; the Manifest must be the last member", error.Message);
    }

    [Fact]
    public async Task Missing_manifest_is_rejected()
    {
        var error = await RejectAsync((await MembersAsync()).SkipLast(1));

        Assert.Equal("gpkg has no Manifest (it must be the last member)", error.Message);
    }

    [Fact]
    public async Task Gpkg_1_not_first_is_rejected()
    {
        var members = await MembersAsync();
        (members[0], members[1]) = (members[1], members[0]);

        var error = await RejectAsync(members);

        Assert.Equal($"not a gpkg: the first member must be 'gpkg-1', found '{Top}/metadata.tar.zst'", error.Message);
    }

    [Fact]
    public async Task Image_before_metadata_is_rejected()
    {
        var members = await MembersAsync();
        (members[1], members[2]) = (members[2], members[1]);

        var error = await RejectAsync(members);

        Assert.Equal($"gpkg member '{Top}/metadata.tar.zst' is out of order (expected gpkg-1, metadata, image, Manifest)", error.Message);
    }

    [Fact]
    public async Task Duplicate_member_is_rejected()
    {
        var members = await MembersAsync();
        members.Insert(2, members[1]);

        var error = await RejectAsync(members);

        Assert.Equal($"gpkg member '{Top}/metadata.tar.zst' appears twice", error.Message);
    }

    [Fact]
    public async Task Top_directory_must_be_pf_or_pf_build_id()
    {
        var wrong = await SampleGpkg.BytesAsync(top: "goodbye-2.0");
        var error = await Assert.ThrowsAsync<InvalidPackageException>(() => SampleGpkg.ReadAsync(wrong));
        Assert.Equal("gpkg top directory 'goodbye-2.0' does not match the package: expected 'hello-1.0-r1'", error.Message);

        var multiInstance = await SampleGpkg.BytesAsync(metadata: SampleGpkg.Metadata(buildId: "3"), top: "hello-1.0-r1-3");
        var info = await SampleGpkg.ReadAsync(multiInstance);
        Assert.Equal("3", info.BuildId);
    }

    [Fact]
    public async Task Metadata_without_slot_is_rejected()
    {
        var metadata = SampleGpkg.Metadata();
        metadata.Remove("SLOT");

        var error = await Assert.ThrowsAsync<InvalidPackageException>(async () => await SampleGpkg.ReadAsync(await SampleGpkg.BytesAsync(metadata: metadata)));

        Assert.Equal("gpkg metadata lacks SLOT", error.Message);
    }

    [Fact]
    public async Task Not_a_tar_is_rejected()
    {
        var error = await Assert.ThrowsAsync<InvalidPackageException>(() => SampleGpkg.ReadAsync(Encoding.UTF8.GetBytes(new string('z', 2048))));

        Assert.StartsWith("not a valid gpkg tar archive", error.Message, StringComparison.Ordinal);
    }
}

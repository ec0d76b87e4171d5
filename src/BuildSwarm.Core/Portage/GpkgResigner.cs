using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>Makes an armored detached OpenPGP signature of the file at <paramref name="path"/>.</summary>
public delegate Task<string> GpkgDetachedSigner(string path, CancellationToken cancellationToken);

/// <summary>
/// Re-packs a validated gpkg with signatures, as Portage's <c>gpkg._add_signature</c> lays them out: each inner archive
/// followed by its detached <c>.sig</c>, and a clear-signed Manifest listing every member (the <c>.sig</c>s included).
/// The compressed archives are copied byte for byte, so the package content and its inner hashes stay the same.
/// Signatures already present are replaced.
/// </summary>
public static class GpkgResigner
{
    private const long UstarMaxSize = 8_000_000_000;

    public static async Task ResignAsync(
        Stream input,
        Stream output,
        string tempDirectory,
        GpkgDetachedSigner signMember,
        GpkgManifestSigner signManifest,
        CancellationToken cancellationToken)
    {
        var members = new List<(string Name, string Spool, DateTimeOffset MTime)>();
        string? top = null;
        try
        {
            await using (var reader = new TarReader(input, leaveOpen: true))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                {
                    var parts = entry.Name.Split('/');
                    if (parts.Length != 2 || !GpkgMember.TryClassify(parts[1], out var kind, out _))
                    {
                        throw new InvalidPackageException($"gpkg member '{entry.Name}' is not part of a gpkg");
                    }

                    top ??= parts[0];
                    if (kind is GpkgMemberKind.Manifest or GpkgMemberKind.MetadataSignature or GpkgMemberKind.ImageSignature)
                    {
                        continue;
                    }

                    var spool = Path.Combine(tempDirectory, $".resign-{Guid.NewGuid():n}");
                    members.Add((parts[1], spool, entry.ModificationTime));
                    await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(file, cancellationToken);
                    }

                    if (kind is GpkgMemberKind.Metadata or GpkgMemberKind.Image)
                    {
                        await file.FlushAsync(cancellationToken);
                        file.Close();
                        var signature = Path.Combine(tempDirectory, $".resign-{Guid.NewGuid():n}");
                        await File.WriteAllTextAsync(signature, await signMember(spool, cancellationToken), cancellationToken);
                        members.Add((parts[1] + GpkgMember.SignatureSuffix, signature, entry.ModificationTime));
                    }
                }
            }

            if (top is null || members.Count == 0)
            {
                throw new InvalidPackageException("not a gpkg: the archive is empty");
            }

            var manifest = new List<GpkgManifestEntry>();
            foreach (var (name, spool, _) in members)
            {
                manifest.Add(GpkgManifestEntry.From(name, await DigestAsync(spool, cancellationToken)));
            }

            var manifestText = await signManifest(new GpkgManifest(manifest, IsClearSigned: false).Format(), cancellationToken);
            var largest = members.Max(m => new FileInfo(m.Spool).Length);
            var format = top.Length >= 100 - GpkgMember.ManifestName.Length || largest >= UstarMaxSize ? TarEntryFormat.Gnu : TarEntryFormat.Ustar;
            await using var container = new TarWriter(output, format, leaveOpen: true);
            foreach (var (name, spool, mtime) in members)
            {
                await GpkgWriter.AddMemberAsync(container, format, $"{top}/{name}", File.OpenRead(spool), mtime, cancellationToken);
            }

            await GpkgWriter.AddMemberAsync(container, format, $"{top}/{GpkgMember.ManifestName}", new MemoryStream(Encoding.UTF8.GetBytes(manifestText)),
                members[^1].MTime, cancellationToken);
        }
        finally
        {
            foreach (var member in members)
            {
                File.Delete(member.Spool);
            }
        }
    }

    private static async Task<GpkgDigest> DigestAsync(string path, CancellationToken cancellationToken)
    {
        using var digester = new GpkgDigester();
        await using var file = File.OpenRead(path);
        var buffer = new byte[81920];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            digester.Append(buffer.AsSpan(0, read));
        }

        return digester.Finish();
    }

}

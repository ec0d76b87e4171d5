using System.Formats.Tar;
using System.Text;

namespace BuildSwarm.Core.Portage;

/// <summary>Makes an armored detached OpenPGP signature of <paramref name="content"/> (read from its current position to the end).</summary>
public delegate Task<string> GpkgDetachedSigner(Stream content, CancellationToken cancellationToken);

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
        SpoolFactory spool,
        GpkgDetachedSigner signMember,
        GpkgManifestSigner signManifest,
        CancellationToken cancellationToken)
    {
        var members = new List<(string Name, Stream Spool, DateTimeOffset MTime)>();
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

                    var file = spool();
                    members.Add((parts[1], file, entry.ModificationTime));
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(file, cancellationToken);
                    }

                    if (kind is GpkgMemberKind.Metadata or GpkgMemberKind.Image)
                    {
                        file.Position = 0;
                        var signature = spool();
                        members.Add((parts[1] + GpkgMember.SignatureSuffix, signature, entry.ModificationTime));
                        await signature.WriteAsync(Encoding.UTF8.GetBytes(await signMember(file, cancellationToken)), cancellationToken);
                    }
                }
            }

            if (top is null || members.Count == 0)
            {
                throw new InvalidPackageException("not a gpkg: the archive is empty");
            }

            var manifest = new List<GpkgManifestEntry>();
            foreach (var (name, file, _) in members)
            {
                manifest.Add(GpkgManifestEntry.From(name, await DigestAsync(file, cancellationToken)));
            }

            var manifestText = await signManifest(new GpkgManifest(manifest, IsClearSigned: false).Format(), cancellationToken);
            var largest = members.Max(m => m.Spool.Length);
            var format = top.Length >= 100 - GpkgMember.ManifestName.Length || largest >= UstarMaxSize ? TarEntryFormat.Gnu : TarEntryFormat.Ustar;
            await using var container = new TarWriter(output, format, leaveOpen: true);
            foreach (var (name, file, mtime) in members)
            {
                file.Position = 0;
                await GpkgWriter.AddMemberAsync(container, format, $"{top}/{name}", file, mtime, cancellationToken);
            }

            await GpkgWriter.AddMemberAsync(container, format, $"{top}/{GpkgMember.ManifestName}", new MemoryStream(Encoding.UTF8.GetBytes(manifestText)),
                members[^1].MTime, cancellationToken);
        }
        finally
        {
            foreach (var member in members)
            {
                await member.Spool.DisposeAsync();
            }
        }
    }

    private static async Task<GpkgDigest> DigestAsync(Stream file, CancellationToken cancellationToken)
    {
        using var digester = new GpkgDigester();
        file.Position = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            digester.Append(buffer.AsSpan(0, read));
        }

        return digester.Finish();
    }

}

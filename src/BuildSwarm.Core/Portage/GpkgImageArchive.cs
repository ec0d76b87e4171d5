using System.Formats.Tar;

namespace BuildSwarm.Core.Portage;

/// <summary>Fills the inner <c>image.tar</c>: everything sits under <c>image/</c>, as Portage's <c>image_tar.add(root_dir, "image")</c> does.</summary>
internal static class GpkgImageArchive
{
    private const string Root = "image";

    public static async Task AddFilesAsync(TarWriter tar, IReadOnlyList<GpkgImageFile> files, CancellationToken cancellationToken)
    {
        await tar.WriteEntryAsync(new GnuTarEntry(TarEntryType.Directory, Root + "/") { Mode = (UnixFileMode)0b111_101_101 }, cancellationToken);
        foreach (var file in files)
        {
            var path = file.Path.TrimStart('/');
            if (path.Length == 0 || path.Split('/').Any(p => p is "" or "." or ".."))
            {
                throw new ArgumentException($"image path '{file.Path}' must be a plain relative path", nameof(files));
            }

            var entry = new GnuTarEntry(TarEntryType.RegularFile, $"{Root}/{path}")
            {
                Mode = file.Mode,
                DataStream = new MemoryStream(file.Content.ToArray(), writable: false),
            };
            await tar.WriteEntryAsync(entry, cancellationToken);
        }
    }
}

using System.Formats.Tar;
using BuildSwarm.Core.Portage;

namespace BuildSwarm.Hosting.Portage;

/// <summary>Spools in temporary files of a directory, deleted when the spool stream is disposed.</summary>
public static class TempSpool
{
    public static SpoolFactory In(string directory) => () =>
    {
        Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, $".spool-{Guid.NewGuid():n}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    };

    /// <summary>Temporary files in the system's temporary directory.</summary>
    public static SpoolFactory System { get; } = In(Path.GetTempPath());
}

/// <summary>The Core Portage formats applied to files on disk: reading packages, their index facts, and gpkgs from an image directory.</summary>
public static class PackageFiles
{
    private const string ImageRoot = "image";

    /// <summary>Reads and validates the binary package at <paramref name="path"/> (gpkg or xpak).</summary>
    public static async Task<BinaryPackage> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = OpenRead(path);
        return await BinaryPackageReader.ReadAsync(file, TempSpool.System, cancellationToken);
    }

    /// <summary>What the index records of a package file under <paramref name="root"/>, hashed in one streaming pass.</summary>
    public static async Task<PackageFileFacts> FactsAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var fullPath = Path.Combine(root, relativePath);
        PackageDigests digests;
        await using (var file = OpenRead(fullPath))
        {
            digests = await PackageDigest.OfAsync(file, cancellationToken);
        }

        var mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(fullPath)).ToUnixTimeSeconds();
        return new PackageFileFacts(relativePath.Replace('\\', '/'), digests.Size, digests.Md5, digests.Sha1, mtime);
    }

    /// <summary>
    /// Writes a gpkg whose image is the directory tree at <paramref name="imageDirectory"/>, spooling its inner
    /// archives in temporary files unless <paramref name="options"/> names another spool.
    /// </summary>
    public static Task WriteGpkgAsync(
        Stream output, IReadOnlyDictionary<string, string> metadata, string imageDirectory, GpkgWriteOptions? options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(imageDirectory))
        {
            throw new DirectoryNotFoundException($"image directory '{imageDirectory}' does not exist");
        }

        options ??= new GpkgWriteOptions();
        if (options.Spool == Spools.InMemory)
        {
            options = options with { Spool = TempSpool.System };
        }

        return GpkgWriter.WriteAsync(output, metadata, (tar, ct) => AddDirectoryAsync(tar, imageDirectory, ct), options, cancellationToken);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Everything under <c>image/</c>, as Portage's <c>image_tar.add(root_dir, "image")</c> does, in name order.</summary>
    private static async Task AddDirectoryAsync(TarWriter tar, string directory, CancellationToken cancellationToken)
    {
        await tar.WriteEntryAsync(directory, ImageRoot, cancellationToken);
        await AddChildrenAsync(tar, new DirectoryInfo(directory), ImageRoot, cancellationToken);
    }

    private static async Task AddChildrenAsync(TarWriter tar, DirectoryInfo directory, string prefix, CancellationToken cancellationToken)
    {
        foreach (var child in directory.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var name = $"{prefix}/{child.Name}";
            await tar.WriteEntryAsync(child.FullName, name, cancellationToken);
            if (child is DirectoryInfo sub && sub.LinkTarget is null)
            {
                await AddChildrenAsync(tar, sub, name, cancellationToken);
            }
        }
    }
}


using System.Security.Cryptography;
using System.Text.Json;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting;
using BuildSwarm.Hosting.Files;
using BuildSwarm.Hosting.Portage;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Takes an uploaded package from a drone: streams it to a temporary file while hashing, checks
/// the checksum and the package's own metadata, fsyncs, renames it into place and publishes it in
/// the same transaction that marks the job done. Nothing half-written is ever visible.
/// </summary>
public sealed partial class BinhostPublisher(
    PackageTables tables,
    ChangeSignal signal,
    BinhostPaths paths,
    BinhostIndex index,
    BinhostTargets targets,
    BinhostSigner signer,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<BinhostPublisher> logger,
    IEventSink events)
{
    public async Task<UploadResult> PublishAsync(UploadClaim claim, string leaseId, Stream body, string expectedSha256, long? contentLength, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Incoming);
        var temp = Path.Combine(paths.Incoming, $"{claim.JobId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.part");
        var signed = temp + ".signed";
        try
        {
            var (received, error) = await ReceiveAsync(body, temp, expectedSha256, contentLength, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            BinaryPackage package;
            try
            {
                package = await PackageFiles.ReadAsync(temp, cancellationToken);
            }
            catch (InvalidPackageException ex)
            {
                return new UploadResult(UploadOutcome.InvalidPackage, ex.Message);
            }

            var cpv = Cpv.Parse(claim.Cpv);
            if (package.Cpv is not { } own || own.Category != cpv.Category || own.Pf != cpv.Pf)
            {
                return new UploadResult(UploadOutcome.InvalidPackage,
                    $"package metadata says {package.Metadata.GetValueOrDefault("CATEGORY")}/{package.Metadata.GetValueOrDefault("PF")}, but job {claim.JobId} builds {claim.Cpv}");
            }

            if (TargetMismatch(claim, package) is { } mismatch)
            {
                return mismatch;
            }

            if (package.Kind == BinaryPackageKind.Gpkg && options.Value.Binhost.Sign)
            {
                await SignAsync(temp, signed, cancellationToken);
                File.Move(signed, temp, overwrite: true);
                received = await HashAsync(temp, cancellationToken);
            }

            var published = await CommitAsync(claim, leaseId, cpv, temp, received, package, cancellationToken);
            if (published is null)
            {
                LogDuplicate(claim.JobId, claim.Cpv);
                return new UploadResult(UploadOutcome.Stale, $"job {claim.JobId} is already done; this completion was dropped");
            }

            await index.UpdateAsync(claim.Target, published.Value.IndexVersion, cancellationToken);
            signal.Pulse(); // dependants may be ready now
            var result = published.Value.Package;
            LogPublished(result.Cpv, result.BuildId, result.Size);
            await events.PublishAsync(
                SwarmEvents.Draft("job.done", jobId: claim.JobId, cpv: claim.Cpv, state: "done"),
                SwarmEvents.Draft("package.published", jobId: claim.JobId, cpv: claim.Cpv, detail: $"{result.Path} ({result.Size} bytes)"));
            return new UploadResult(UploadOutcome.Published, result.Path, result);
        }
        finally
        {
            File.Delete(temp);
            File.Delete(signed);
        }
    }

    /// <summary>A job builds for exactly one target; a package made for another CHOST does not belong in its binhost.</summary>
    private UploadResult? TargetMismatch(UploadClaim claim, BinaryPackage package)
    {
        if (!targets.Exists(claim.Target))
        {
            return new UploadResult(UploadOutcome.WrongTarget, $"job {claim.JobId} is for target '{claim.Target}', which is not configured on this gateway");
        }

        var chost = targets.Chost(claim.Target);
        var packageChost = package.Metadata.GetValueOrDefault("CHOST")?.Trim();
        return chost is not null && !string.IsNullOrEmpty(packageChost) && packageChost != chost
            ? new UploadResult(UploadOutcome.WrongTarget, $"package CHOST is {packageChost}, but target '{claim.Target}' is {chost}")
            : null;
    }

    private async Task SignAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using var input = File.OpenRead(source);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await GpkgResigner.ResignAsync(input, output, TempSpool.In(paths.Incoming), signer.DetachSignAsync, signer.ClearSignAsync, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private static async Task<PackageDigests> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await PackageDigest.OfAsync(file, cancellationToken);
    }

    private async Task<(PackageDigests File, UploadResult? Error)> ReceiveAsync(Stream body, string temp, string expectedSha256, long? contentLength, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxUploadBytes;
        if (contentLength > max)
        {
            return (default, new UploadResult(UploadOutcome.TooLarge, $"upload of {contentLength} bytes exceeds the limit of {max} bytes"));
        }

        using var digest = new PackageDigest();
        long total = 0;
        var buffer = new byte[81920];
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > max)
                    {
                        return (default, new UploadResult(UploadOutcome.TooLarge, $"upload exceeds the limit of {max} bytes"));
                    }

                    digest.Append(buffer.AsSpan(0, read));
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (default, new UploadResult(UploadOutcome.TooLarge, $"upload exceeds the limit of {max} bytes"));
            }
            catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return (default, new UploadResult(UploadOutcome.Truncated, $"upload ended early after {total} bytes: {ex.Message}"));
            }

            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        if (contentLength is { } length && length != total)
        {
            return (default, new UploadResult(UploadOutcome.Truncated, $"received {total} of {length} bytes"));
        }

        var digests = digest.Finish();
        var actual = digests.Sha256;
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return (default, new UploadResult(UploadOutcome.ChecksumMismatch, $"SHA-256 of the {total} bytes received is {actual}, not {expectedSha256}"));
        }

        return (digests, null);
    }

    private async Task<(PublishedPackage Package, long IndexVersion)?> CommitAsync(
        UploadClaim claim, string leaseId, Cpv cpv, string temp, PackageDigests received, BinaryPackage package, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = new Dictionary<string, string>(package.Metadata);
            var extension = package.Kind == BinaryPackageKind.Gpkg ? ".gpkg.tar" : ".xpak";
            var mtime = time.GetUtcNow().ToUnixTimeSeconds();
            var draft = new PublicationDraft(claim.JobId, leaseId, claim.Target, claim.Cpv, next => $"{cpv.Category}/{cpv.PackageName}/{cpv.Pf}-{next}{extension}",
                received.Size, received.Md5, received.Sha1, received.Sha256, mtime,
                JsonSerializer.Serialize(metadata, BinhostJsonContext.Default.DictionaryStringString), options.Value.Binhost.KeepBuilds);
            var published = await tables.PublishAsync(draft, rows =>
            {
                foreach (var old in rows.Pruned)
                {
                    LogPruned(claim.Cpv, old, claim.Target);
                }

                // The file goes into place before the commit: an index entry never points at a missing file.
                var final = Path.Combine(paths.TargetRoot(claim.Target), rows.Path);
                var directory = Path.GetDirectoryName(final)!;
                Directory.CreateDirectory(directory);
                // A file already there is an orphan of a crash between rename and commit: never indexed, safe to replace.
                File.Move(temp, final, overwrite: true);
                File.SetLastWriteTimeUtc(final, DateTimeOffset.FromUnixTimeSeconds(mtime).UtcDateTime);
                FileSync.Directory(directory);

                var facts = new PackageFileFacts(rows.Path, received.Size, received.Md5, received.Sha1, mtime);
                var block = new IndexedPackage(new InstanceKey(claim.Cpv, rows.BuildId), index.Block(claim.Target, metadata, facts, rows.BuildId));
                var version = index.Apply(claim.Target, [block], [.. rows.Pruned.Select(b => new InstanceKey(claim.Cpv, b))]);
                return new Published(new PublishedPackage(claim.Target, claim.Cpv, rows.BuildId, rows.Path, received.Size), version);
            }, cancellationToken);
            return published is null ? null : (published.Package, published.IndexVersion);
        }
        catch
        {
            index.Invalidate(claim.Target);
            throw;
        }
    }

    private sealed record Published(PublishedPackage Package, long IndexVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Cpv} build {BuildId} ({Size} bytes)")]
    private partial void LogPublished(string cpv, int buildId, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Cpv} build {BuildId} left the {Target} index (Gateway:Binhost:KeepBuilds)")]
    private partial void LogPruned(string cpv, int buildId, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped duplicate completion of job {JobId} ({Cpv})")]
    private partial void LogDuplicate(long jobId, string cpv);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BuildSwarm.Configuration;
using BuildSwarm.Core.Portage;
using BuildSwarm.Events;
using BuildSwarm.Jobs;
using BuildSwarm.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Binhost;

/// <summary>
/// Takes an uploaded package from a drone: streams it to a temporary file while hashing, checks
/// the checksum and the package's own metadata, fsyncs, renames it into place and publishes it in
/// the same transaction that marks the job done. Nothing half-written is ever visible.
/// </summary>
public sealed partial class BinhostPublisher(
    SwarmDatabase db,
    JobStore jobs,
    BinhostPaths paths,
    BinhostIndex index,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<BinhostPublisher> logger,
    IEventSink events)
{
    public async Task<UploadResult> PublishAsync(UploadClaim claim, string leaseId, Stream body, string expectedSha256, long? contentLength, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Incoming);
        var temp = Path.Combine(paths.Incoming, $"{claim.JobId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.part");
        try
        {
            var (received, error) = await ReceiveAsync(body, temp, expectedSha256, contentLength, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            GpkgInfo info;
            await using (var file = File.OpenRead(temp))
            {
                try
                {
                    info = await GpkgReader.ReadAsync(file, cancellationToken);
                }
                catch (InvalidPackageException ex)
                {
                    return new UploadResult(UploadOutcome.InvalidPackage, ex.Message);
                }
            }

            var cpv = Cpv.Parse(claim.Cpv);
            if (info.Category != cpv.Category || info.Pf != cpv.Pf)
            {
                return new UploadResult(UploadOutcome.InvalidPackage,
                    $"package metadata says {info.Category}/{info.Pf}, but job {claim.JobId} builds {claim.Cpv}");
            }

            var published = await CommitAsync(claim, leaseId, cpv, temp, received, info, cancellationToken);
            if (published is null)
            {
                LogDuplicate(claim.JobId, claim.Cpv);
                return new UploadResult(UploadOutcome.Stale, $"job {claim.JobId} is already done; this completion was dropped");
            }

            await index.RewriteAsync(claim.Target, cancellationToken);
            jobs.NotifyReady();
            LogPublished(published.Cpv, published.BuildId, published.Size);
            await events.PublishAsync(
                SwarmEvents.Draft("job.done", jobId: claim.JobId, cpv: claim.Cpv, state: "done"),
                SwarmEvents.Draft("package.published", jobId: claim.JobId, cpv: claim.Cpv, detail: $"{published.Path} ({published.Size} bytes)"));
            return new UploadResult(UploadOutcome.Published, published.Path, published);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<(ReceivedFile File, UploadResult? Error)> ReceiveAsync(Stream body, string temp, string expectedSha256, long? contentLength, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxUploadBytes;
        if (contentLength > max)
        {
            return (default, new UploadResult(UploadOutcome.TooLarge, $"upload of {contentLength} bytes exceeds the limit of {max} bytes"));
        }

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
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

                    sha256.AppendData(buffer, 0, read);
                    sha1.AppendData(buffer, 0, read);
                    md5.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
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

        var actual = Convert.ToHexStringLower(sha256.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return (default, new UploadResult(UploadOutcome.ChecksumMismatch, $"SHA-256 of the {total} bytes received is {actual}, not {expectedSha256}"));
        }

        return (new ReceivedFile(total, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha1.GetHashAndReset()), actual), null);
    }

    private async Task<PublishedPackage?> CommitAsync(UploadClaim claim, string leaseId, Cpv cpv, string temp, ReceivedFile received, GpkgInfo info, CancellationToken cancellationToken)
    {
        return await db.WriteAsync<PublishedPackage?>(async (connection, tx) =>
        {
            var next = Convert.ToInt32(await SwarmDatabase.ScalarAsync(connection, tx,
                "SELECT COALESCE(MAX(build_id), 0) + 1 FROM packages WHERE target = $t AND cpv = $cpv",
                cancellationToken, ("$t", claim.Target), ("$cpv", claim.Cpv)), CultureInfo.InvariantCulture);
            var relative = $"{cpv.Category}/{cpv.PackageName}/{cpv.Pf}-{next}.gpkg.tar";
            if (!await jobs.CompleteAsync(connection, tx, claim.JobId, leaseId, relative, cancellationToken))
            {
                return null;
            }

            var mtime = time.GetUtcNow().ToUnixTimeSeconds();
            await SwarmDatabase.ExecuteAsync(connection, tx,
                """
                INSERT INTO packages (target, cpv, build_id, path, size, md5, sha1, sha256, mtime, metadata, job_id)
                VALUES ($t, $cpv, $b, $path, $size, $md5, $sha1, $sha256, $mtime, $meta, $job)
                """,
                cancellationToken, ("$t", claim.Target), ("$cpv", claim.Cpv), ("$b", next), ("$path", relative), ("$size", received.Size),
                ("$md5", received.Md5), ("$sha1", received.Sha1), ("$sha256", received.Sha256), ("$mtime", mtime),
                ("$meta", JsonSerializer.Serialize(new Dictionary<string, string>(info.Metadata), BinhostJsonContext.Default.DictionaryStringString)),
                ("$job", claim.JobId));

            // The file goes into place before the commit: an index entry never points at a missing file.
            var final = Path.Combine(paths.TargetRoot(claim.Target), relative);
            var directory = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(directory);
            // A file already there is an orphan of a crash between rename and commit: never indexed, safe to replace.
            File.Move(temp, final, overwrite: true);
            File.SetLastWriteTimeUtc(final, DateTimeOffset.FromUnixTimeSeconds(mtime).UtcDateTime);
            FileSync.Directory(directory);
            return new PublishedPackage(claim.Target, claim.Cpv, next, relative, received.Size);
        }, cancellationToken);
    }

    private readonly record struct ReceivedFile(long Size, string Md5, string Sha1, string Sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Cpv} build {BuildId} ({Size} bytes)")]
    private partial void LogPublished(string cpv, int buildId, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped duplicate completion of job {JobId} ({Cpv})")]
    private partial void LogDuplicate(long jobId, string cpv);
}

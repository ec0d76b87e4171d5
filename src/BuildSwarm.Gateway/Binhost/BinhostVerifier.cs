using BuildSwarm.Core.Contracts;
using BuildSwarm.Core.Portage;
using BuildSwarm.Gateway.Storage;
using BuildSwarm.Hosting.Portage;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// Re-checks every file against its index entry (size, MD5, SHA1, and the package's own validity: Manifest sizes and
/// hashes), in live indexes and releases. Repair drops broken entries from the live index, like
/// <c>emaint binhost --fix</c>; releases are immutable, so their problems are reported and stay.
/// </summary>
public sealed class BinhostVerifier(PackageTables packages, BinhostPaths paths, BinhostIndex index)
{
    public async Task<VerifyReport> VerifyAsync(bool repair, CancellationToken cancellationToken)
    {
        var entries = await packages.EntriesAsync(cancellationToken);

        // A file shared by the live index and releases is read once.
        var checkedFiles = new Dictionary<string, FileCheck>(StringComparer.Ordinal);
        var problems = new List<VerifyProblem>();
        foreach (var entry in entries)
        {
            var full = Path.Combine(paths.TargetRoot(entry.Target), entry.Path);
            if (!checkedFiles.TryGetValue(full, out var check))
            {
                check = await CheckAsync(full, cancellationToken);
                checkedFiles[full] = check;
            }

            if (Compare(entry, check) is { } problem)
            {
                problems.Add(new VerifyProblem(entry.Target, entry.Release.Length == 0 ? "live" : $"release {entry.Release}", entry.Cpv, entry.BuildId,
                    entry.Path, problem, Repaired: false));
            }
        }

        if (repair)
        {
            problems = await RepairAsync(problems, cancellationToken);
        }

        return new VerifyReport(entries.Count, problems, problems.Count(p => !p.Repaired));
    }

    private async Task<List<VerifyProblem>> RepairAsync(List<VerifyProblem> problems, CancellationToken cancellationToken)
    {
        var live = problems.Where(p => p.Index == "live").ToList();
        if (live.Count == 0)
        {
            return problems;
        }

        var versions = await packages.RemoveAsync([.. live.Select(p => new PackageKey(p.Target, p.Cpv, p.BuildId))],
            (target, removed) => index.Apply(target, [], removed.Select(k => new InstanceKey(k.Cpv, k.BuildId))), cancellationToken);
        foreach (var (target, version) in versions)
        {
            await index.UpdateAsync(target, version, cancellationToken);
        }

        return [.. problems.Select(p => p.Index == "live" ? p with { Repaired = true } : p)];
    }

    private static string? Compare(PackageEntry entry, FileCheck check) =>
        check.Missing ? "file is missing"
        : check.Size != entry.Size ? $"size is {check.Size}, index says {entry.Size}"
        : !string.Equals(check.Md5, entry.Md5, StringComparison.OrdinalIgnoreCase) ? $"MD5 is {check.Md5}, index says {entry.Md5}"
        : !string.Equals(check.Sha1, entry.Sha1, StringComparison.OrdinalIgnoreCase) ? $"SHA1 is {check.Sha1}, index says {entry.Sha1}"
        : check.Invalid;

    private static async Task<FileCheck> CheckAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new FileCheck(true, 0, "", "", null);
        }

        var facts = await PackageFiles.FactsAsync(Path.GetDirectoryName(path)!, Path.GetFileName(path), cancellationToken);
        string? invalid = null;
        try
        {
            await PackageFiles.ReadAsync(path, cancellationToken);
        }
        catch (InvalidPackageException ex)
        {
            invalid = $"invalid package: {ex.Message}";
        }

        return new FileCheck(false, facts.Size, facts.Md5, facts.Sha1, invalid);
    }


    private sealed record FileCheck(bool Missing, long Size, string Md5, string Sha1, string? Invalid);
}

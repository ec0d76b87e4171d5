namespace BuildSwarm.Core.Planning;

/// <summary>The package lines of one emerge --pretend run, in the order emerge printed them.</summary>
/// <param name="Entries">Package and blocker lines, top to bottom.</param>
/// <param name="ReverseOrder">
/// True when emerge said "in reverse order" (it does with <c>--tree</c>): the last line merges first.
/// Null when the output had no such header.
/// </param>
/// <param name="Total">The count from the "Total: N packages" footer, when present.</param>
/// <param name="Warnings">Lines that looked like package lines but could not be read.</param>
public sealed record MergeList(
    IReadOnlyList<MergeListEntry> Entries,
    bool? ReverseOrder,
    int? Total,
    IReadOnlyList<string> Warnings);

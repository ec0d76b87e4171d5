namespace BuildSwarm.Core.Planning;

/// <summary>What a line of emerge's merge list says Portage would do with a package.</summary>
public enum MergeKind
{
    /// <summary><c>[ebuild ...]</c>: built from source.</summary>
    Ebuild,

    /// <summary><c>[binary ...]</c>: installed from a binary package that already exists.</summary>
    Binary,

    /// <summary><c>[nomerge ...]</c>: shown in the tree for its dependencies, not merged at this place.</summary>
    Nomerge,

    /// <summary><c>[uninstall ...]</c>: removed to resolve a blocker.</summary>
    Uninstall,

    /// <summary><c>[blocks ...]</c>: a blocker, not a package.</summary>
    Blocker,
}

/// <summary>
/// One package line of <c>emerge --pretend --verbose [--tree] [--columns]</c> output, as
/// <c>_emerge/resolver/output.py</c> prints it.
/// </summary>
/// <param name="Kind">The word in the brackets.</param>
/// <param name="Flags">The status letters (N, S, U, D, R, r, F, f, I, B, b, ~, #, *), without spaces.</param>
/// <param name="Depth">Indentation below the brackets: with <c>--tree</c>, how deep in the dependency tree.</param>
/// <param name="Cpv">Category/package-version (for blockers: the blocked atom).</param>
/// <param name="Slot">SLOT[/sub-slot] when Portage printed one.</param>
/// <param name="Repository">The <c>::repo</c> suffix, when printed.</param>
/// <param name="BuildId">The binary package instance (<c>[binary ...] cat/pkg-1.0-3::repo</c>).</param>
/// <param name="Installed">The bracketed installed version(s) shown for upgrades and downgrades.</param>
/// <param name="Variables">USE and USE_EXPAND variables as printed, e.g. USE → <c>-minizip static-libs*</c>.</param>
/// <param name="Text">The line itself, for messages.</param>
public sealed record MergeListEntry(
    MergeKind Kind,
    string Flags,
    int Depth,
    string Cpv,
    string? Slot,
    string? Repository,
    string? BuildId,
    string? Installed,
    IReadOnlyDictionary<string, string> Variables,
    string Text)
{
    /// <summary>True when Portage would build or install the package at this place in the list.</summary>
    public bool IsMerge => Kind is MergeKind.Ebuild or MergeKind.Binary;

    /// <summary>The enabled USE flags (without the display marks <c>* % ( ) { }</c>).</summary>
    public IReadOnlyList<string> EnabledUse => UseFlags.Enabled(Variables.GetValueOrDefault("USE"));
}

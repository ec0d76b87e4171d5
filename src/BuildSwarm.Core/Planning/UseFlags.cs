namespace BuildSwarm.Core.Planning;

/// <summary>
/// Reads the flag lists of <c>USE="..."</c> as emerge --verbose prints them: <c>-x</c> disabled,
/// <c>x*</c> changed, <c>x%</c> new, <c>(x)</c> forced or masked, <c>{x}</c> test-only.
/// </summary>
public static class UseFlags
{
    public static IReadOnlyList<string> Enabled(string? printed) =>
        Split(printed).Where(f => !f.StartsWith('-')).ToList();

    public static IReadOnlyList<string> Split(string? printed) =>
        (printed ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(Bare)
            .Where(f => f.Length > 0 && f != "-")
            .ToList();

    /// <summary>A flag without its display marks: <c>(-selinux)</c> → <c>-selinux</c>, <c>ipv6*</c> → <c>ipv6</c>.</summary>
    public static string Bare(string flag) => flag.Trim('(', ')', '{', '}').TrimEnd('*', '%');
}

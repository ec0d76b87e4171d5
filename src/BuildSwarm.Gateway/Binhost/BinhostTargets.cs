using System.Text.RegularExpressions;
using BuildSwarm.Gateway.Configuration;
using Microsoft.Extensions.Options;
namespace BuildSwarm.Gateway.Binhost;

/// <summary>
/// The configured targets and how a URL below <c>/binhost/</c> picks one. A target name has no '-' and is not
/// <c>virtual</c>, while every Gentoo category has a '-' or is <c>virtual</c>: so the first segment of
/// <c>/binhost/&lt;x&gt;/...</c> names a target exactly when it is a configured target name, otherwise the path belongs
/// to the default target (served at <c>/binhost/</c> as well as <c>/binhost/&lt;default&gt;/</c>).
/// </summary>
public sealed partial class BinhostTargets
{
    /// <summary>Header keys the index writer sets itself.</summary>
    private static readonly string[] ReservedHeaderKeys = ["VERSION", "TIMESTAMP", "PACKAGES"];

    private readonly Dictionary<string, BinhostTargetOptions> _targets = new(StringComparer.Ordinal);

    public BinhostTargets(IOptions<GatewayOptions> options)
    {
        var gateway = options.Value;
        Default = gateway.DefaultTarget;
        foreach (var target in gateway.Targets)
        {
            if (NameError(target.Name) is { } error)
            {
                throw new InvalidOperationException($"Gateway:Targets: {error}");
            }

            if (!_targets.TryAdd(target.Name, target))
            {
                throw new InvalidOperationException($"Gateway:Targets: target '{target.Name}' is configured twice");
            }

            if (target.Header.Keys.FirstOrDefault(k => ReservedHeaderKeys.Contains(k, StringComparer.Ordinal) || !HeaderKey().IsMatch(k)) is { } bad)
            {
                throw new InvalidOperationException(
                    $"Gateway:Targets: target '{target.Name}' has header key '{bad}'; keys are upper-case and VERSION, TIMESTAMP, PACKAGES are written by the gateway");
            }
        }

        if (NameError(Default) is { } defaultError)
        {
            throw new InvalidOperationException($"Gateway:DefaultTarget: {defaultError}");
        }

        _targets.TryAdd(Default, new BinhostTargetOptions { Name = Default });
    }

    public string Default { get; }

    public IReadOnlyCollection<string> Names => _targets.Keys;

    public bool Exists(string name) => _targets.ContainsKey(name);

    /// <summary>Why <paramref name="name"/> cannot be a target name, or null when it can.</summary>
    public static string? NameError(string name) =>
        !TargetName().IsMatch(name) ? $"target name '{name}' must be 1-32 of a-z, 0-9 and '_' (no '-', so it cannot look like a category)"
        : name is "virtual" or "releases" ? $"target name '{name}' is reserved"
        : null;

    /// <summary>The header fields of a target's index (besides VERSION, TIMESTAMP and PACKAGES).</summary>
    public IReadOnlyDictionary<string, string> Header(string target)
    {
        var options = _targets.GetValueOrDefault(target) ?? new BinhostTargetOptions { Name = target };
        var header = new Dictionary<string, string>(options.Header, StringComparer.Ordinal);
        Set(header, "ARCH", options.Arch);
        Set(header, "CHOST", options.Chost);
        Set(header, "PROFILE", options.Profile);
        Set(header, "USE", options.Use);
        Set(header, "ACCEPT_KEYWORDS", options.AcceptKeywords);
        Set(header, "URI", options.Uri);
        return header;
    }

    /// <summary>The CHOST packages of <paramref name="target"/> must be built for, when configured.</summary>
    public string? Chost(string target) => _targets.GetValueOrDefault(target)?.Chost;

    /// <summary>Splits a path below <c>/binhost/</c> into its target and the path inside that target's root.</summary>
    public (string Target, string Relative) Route(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path : path[..slash];
        return _targets.ContainsKey(first) ? (first, slash < 0 ? "" : path[(slash + 1)..]) : (Default, path);
    }

    private static void Set(Dictionary<string, string> header, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            header[key] = value.Trim();
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex TargetName();

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex HeaderKey();
}

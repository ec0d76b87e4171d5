using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Infrastructure;

public static class Graphs
{
    /// <summary>A 10-package graph with a chain, a diamond and independent leaves.</summary>
    public static SubmitBuildRequest TenPackages() => new(
    [
        new("sys-libs/zlib-1.3.1", []),
        new("app-arch/xz-utils-5.6.3", []),
        new("dev-libs/openssl-3.3.2", ["sys-libs/zlib-1.3.1"]),
        new("dev-libs/libxml2-2.13.5", ["sys-libs/zlib-1.3.1", "app-arch/xz-utils-5.6.3"]),
        new("net-misc/curl-8.11.0", ["dev-libs/openssl-3.3.2"]),
        new("dev-vcs/git-2.47.1", ["net-misc/curl-8.11.0", "dev-libs/openssl-3.3.2"]),
        new("sys-devel/gettext-0.22.5", ["dev-libs/libxml2-2.13.5"]),
        new("app-misc/hello-1.0", []),
        new("app-misc/world-2.0-r1", ["app-misc/hello-1.0"]),
        new("app-misc/everything-3.0", ["dev-vcs/git-2.47.1", "sys-devel/gettext-0.22.5", "app-misc/world-2.0-r1"]),
    ]);

    /// <summary>
    /// 20 packages in four layers of five; every package of a layer needs two of the layer below, so
    /// builds overlap within a layer and wait between layers.
    /// </summary>
    public static SubmitBuildRequest TwentyPackages()
    {
        string[] categories = ["sys-libs", "dev-libs", "net-libs", "app-misc"];
        string Cpv(int layer, int i) => $"{categories[layer]}/pkg{layer}{i}-1.{i}";
        var packages = new List<PackageRequest>();
        for (var layer = 0; layer < 4; layer++)
        {
            for (var i = 0; i < 5; i++)
            {
                var deps = layer == 0 ? new List<string>() : [Cpv(layer - 1, i), Cpv(layer - 1, (i + 1) % 5)];
                packages.Add(new PackageRequest(Cpv(layer, i), deps));
            }
        }

        return new SubmitBuildRequest(packages);
    }

    /// <summary>
    /// A builder command that fails unless every dependency is already in the binhost index,
    /// then runs the demo builder: a build out of dependency order cannot succeed.
    /// </summary>
    public static string DependencyCheckingBuilder(string directory, string gatewayUrl)
    {
        var script = Path.Combine(directory, "check-deps-then-build.sh");
        File.WriteAllText(script, $$"""
            #!/usr/bin/env bash
            set -euo pipefail
            index=$(curl -sf "{{gatewayUrl}}/binhost/Packages")
            for dep in ${BUILDSWARM_DEPS:-}; do
                grep -qx "CPV: $dep" <<<"$index" || { echo "dependency $dep is not published yet" >&2; exit 1; }
            done
            echo "$BUILDSWARM_CPV" >> "{{directory}}/build-order.log"
            exec "{{SwarmProcess.DemoBuilder}}"
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return $"'{script}'";
    }
}

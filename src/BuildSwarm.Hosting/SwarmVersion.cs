using System.Reflection;

namespace BuildSwarm.Hosting;

public static class SwarmVersion
{
    public static string Current { get; } =
        typeof(SwarmVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

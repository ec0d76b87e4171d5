using BuildSwarm.Core.Scheduling;
using BuildSwarm.Drone.Configuration;

namespace BuildSwarm.Drone;

/// <summary>
/// How a sweeper builds: the last resort for a package that failed on several drones, so everything that
/// could make a build flaky is taken away: a clean environment, one make job, one build at a time.
/// </summary>
public static class SweeperMode
{
    public static BuilderOptions Builder(DroneOptions options)
    {
        if (options.Role != DroneRole.Sweeper)
        {
            return options.Builder;
        }

        var environment = new Dictionary<string, string>(options.Builder.Environment)
        {
            ["BUILDSWARM_SERIAL"] = "1",
            ["MAKEOPTS"] = "-j1",
        };
        return new BuilderOptions
        {
            Kind = options.Builder.Kind,
            Command = options.Builder.Command,
            TimeoutMinutes = options.Builder.TimeoutMinutes,
            Environment = environment,
            CleanEnvironment = true,
        };
    }

    /// <summary>Parallel make jobs the builder is told to use (<c>BUILDSWARM_JOBS</c>).</summary>
    public static int Jobs(DroneOptions options) => options.Role == DroneRole.Sweeper ? 1 : options.Cores;
}

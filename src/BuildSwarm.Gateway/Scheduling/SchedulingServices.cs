namespace BuildSwarm.Gateway.Scheduling;

public static class SchedulingServices
{
    /// <summary>The lease planner and what it reads: estimates and drone controls (drain, grounding).</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services) =>
        services.AddSingleton<BuildEstimates>()
            .AddSingleton<DroneControls>()
            .AddSingleton<LeasePlanner>();

    /// <summary>Loads what the scheduler learned and decided before the gateway stopped.</summary>
    public static async Task LoadSchedulingStateAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<BuildEstimates>().LoadAsync(cancellationToken);
        await services.GetRequiredService<DroneControls>().LoadAsync(cancellationToken);
    }
}

namespace BuildSwarm.Gateway.Storage;

public static class StorageServices
{
    /// <summary>The table owners over the gateway's database; every SQL statement of the gateway is in one of them.</summary>
    public static IServiceCollection AddStorageTables(this IServiceCollection services) =>
        services.AddSingleton<JobTables>()
            .AddSingleton<PackageTables>()
            .AddSingleton<DroneControlTables>()
            .AddSingleton<EventTables>()
            .AddSingleton<EnergyTables>()
            .AddSingleton<FleetTables>()
            .AddSingleton<EstimateTables>();
}

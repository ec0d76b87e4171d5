namespace BuildSwarm.Hosting.Configuration;

/// <summary>
/// One configuration per node: defaults, then the <c>--config</c> JSON file, then
/// <c>BUILDSWARM_</c> environment variables (<c>BUILDSWARM_Gateway__LeaseSeconds=30</c>),
/// then command-line options.
/// </summary>
public static class NodeConfiguration
{
    public static IConfiguration Load(FileInfo? configFile, IReadOnlyDictionary<string, string?> commandLine)
    {
        if (configFile is not null && !configFile.Exists)
        {
            throw new FileNotFoundException($"config file '{configFile.FullName}' does not exist");
        }

        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(configFile.FullName, optional: false);
        }

        builder.AddEnvironmentVariables("BUILDSWARM_");
        var reportIp = Environment.GetEnvironmentVariable("REPORT_IP");
        var extra = new Dictionary<string, string?>(commandLine.Where(kv => kv.Value is not null));
        if (!string.IsNullOrEmpty(reportIp) && !extra.ContainsKey("Drone:ReportIp"))
        {
            extra["Drone:ReportIp"] = reportIp;
        }

        builder.AddInMemoryCollection(extra);
        return builder.Build();
    }

    public static T Section<T>(this IConfiguration configuration, string name)
        where T : new()
    {
        var options = new T();
        configuration.GetSection(name).Bind(options);
        return options;
    }
}

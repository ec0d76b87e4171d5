namespace BuildSwarm.Gateway.Dashboard;

public static class DashboardEndpoints
{
    private static readonly Lazy<byte[]> Page = new(() => Resource("BuildSwarm.Dashboard.index.html"));
    private static readonly Lazy<byte[]> QueueScript = new(() => Resource("BuildSwarm.Dashboard.queue.js"));

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        app.MapGet("/dashboard/queue.js", () => Results.Bytes(QueueScript.Value, "text/javascript; charset=utf-8"));
        return app;
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"dashboard file {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

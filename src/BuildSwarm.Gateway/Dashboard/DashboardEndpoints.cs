namespace BuildSwarm.Gateway.Dashboard;

public static class DashboardEndpoints
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("BuildSwarm.Dashboard.index.html")
            ?? throw new InvalidOperationException("dashboard page is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        return app;
    }
}

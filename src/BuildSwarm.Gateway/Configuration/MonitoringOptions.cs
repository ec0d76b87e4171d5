namespace BuildSwarm.Gateway.Configuration;

/// <summary>The event history and stream (section <c>Gateway:Events</c>).</summary>
public sealed class EventOptions
{
    /// <summary>Events kept for <c>Last-Event-ID</c> resume; older ones are deleted.</summary>
    public int MaxHistory { get; set; } = 10_000;

    /// <summary>Seconds between SSE comment lines that keep idle proxies from closing the stream.</summary>
    public double HeartbeatSeconds { get; set; } = 15;
}

/// <summary>Build logs the drones ship (section <c>Gateway:Logs</c>).</summary>
public sealed class LogOptions
{
    /// <summary>Bytes kept per job log; the rest is dropped with a marker line.</summary>
    public long MaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Logs of done jobs are deleted this long after the job finished; logs of failed jobs are kept.</summary>
    public double DoneRetentionHours { get; set; } = 24;
}

/// <summary>Energy accounting (section <c>Gateway:Energy</c>).</summary>
public sealed class EnergyOptions
{
    /// <summary>Price of one kWh; when unset no costs are shown.</summary>
    public double? PricePerKwh { get; set; }

    public string Currency { get; set; } = "EUR";

    /// <summary>Two power samples further apart than this are not joined: the drone was not reporting in between.</summary>
    public double MaxGapSeconds { get; set; } = 60;
}

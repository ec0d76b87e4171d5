namespace BuildSwarm.Configuration;

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

/// <summary>How a drone tells its power draw (section <c>Drone:Power</c>).</summary>
public sealed class PowerOptions
{
    /// <summary>Where the RAPL counters are; read when readable, else the estimate below is used.</summary>
    public string RaplPath { get; set; } = "/sys/class/powercap";

    /// <summary>Watts of this machine at idle, for the estimate.</summary>
    public double IdleWatts { get; set; } = 20;

    /// <summary>Watts of this machine with every core busy, for the estimate.</summary>
    public double LoadWatts { get; set; } = 100;

    /// <summary>False turns power reporting off.</summary>
    public bool Enabled { get; set; } = true;
}

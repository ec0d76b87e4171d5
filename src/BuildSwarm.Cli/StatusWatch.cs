using System.Globalization;
using BuildSwarm.Core.Contracts;
using Spectre.Console;

namespace BuildSwarm.Cli;

/// <summary>
/// <c>status --watch</c>: a live terminal view. Follows the gateway's event stream and re-reads
/// the status after each burst of events (and every few seconds, for clocks and health). When the output
/// is piped there is no screen to redraw, so it prints a line per event and a summary line whenever that changes.
/// </summary>
internal static class StatusWatch
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    // Enough for a burst between two reads in piped mode; the screen shows the last few.
    private const int KeptEvents = 256;
    private const int ShownEvents = 8;

    public static async Task RunAsync(GatewayConnection connection, CancellationToken cancellationToken)
    {
        var changed = new SemaphoreSlim(0);
        var recent = new Queue<SwarmEvent>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var follow = FollowAsync(connection, changed, recent, stop.Token);
        try
        {
            if (Output.IsPiped)
            {
                await PlainAsync(connection, changed, recent, stop.Token);
                return;
            }

            await AnsiConsole.Live(new Text("connecting…")).AutoClear(false).StartAsync(async live =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var status = await connection.StatusAsync(stop.Token);
                        var monitor = await connection.Http.GetFromJsonAsync("api/gateway/monitor", SwarmJsonContext.Default.MonitorView, stop.Token);
                        List<SwarmEvent> events;
                        lock (recent)
                        {
                            events = [.. recent.TakeLast(ShownEvents)];
                        }

                        live.UpdateTarget(Render(status, monitor!, events, connection.Url));
                    }
                    catch (HttpRequestException ex)
                    {
                        live.UpdateTarget(new Markup($"[red]gateway {Markup.Escape(connection.Url)} unreachable:[/] {Markup.Escape(ex.Message)}"));
                    }

                    live.Refresh();
                    await changed.WaitAsync(Idle, stop.Token);
                    await Task.Delay(Debounce, stop.Token);
                    while (changed.CurrentCount > 0)
                    {
                        await changed.WaitAsync(stop.Token);
                    }
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: leave the last picture on the screen.
        }
        finally
        {
            await stop.CancelAsync();
            await follow;
        }
    }

    /// <summary>Piped: each new event on a line, then the summary when it differs from the last one printed.</summary>
    private static async Task PlainAsync(GatewayConnection connection, SemaphoreSlim changed, Queue<SwarmEvent> recent, CancellationToken cancellationToken)
    {
        long lastSeq = 0;
        string? lastSummary = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<SwarmEvent> events;
            lock (recent)
            {
                events = [.. recent.Where(e => e.Seq > lastSeq)];
            }

            foreach (var ev in events)
            {
                Output.Line($"{ev.At.ToLocalTime():HH:mm:ss} {ev.Type} {Describe(ev)}");
                lastSeq = ev.Seq;
            }

            try
            {
                var status = await connection.StatusAsync(cancellationToken);
                var monitor = await connection.Http.GetFromJsonAsync("api/gateway/monitor", SwarmJsonContext.Default.MonitorView, cancellationToken);
                var summary = Summary(status, monitor!);
                if (summary != lastSummary)
                {
                    Output.Line($"{DateTime.Now:HH:mm:ss} {summary}");
                    lastSummary = summary;
                }
            }
            catch (HttpRequestException ex)
            {
                var summary = $"gateway {connection.Url} unreachable: {ex.Message}";
                if (summary != lastSummary)
                {
                    Output.Line($"{DateTime.Now:HH:mm:ss} {summary}");
                    lastSummary = summary;
                }
            }

            await changed.WaitAsync(Idle, cancellationToken);
            await Task.Delay(Debounce, cancellationToken);
            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync(cancellationToken);
            }
        }
    }

    private static string Summary(SwarmStatus status, MonitorView monitor)
    {
        var p = monitor.Progress;
        return string.Create(CultureInfo.InvariantCulture,
            $"cores online {status.CoresOnline} of {status.Drones.Sum(d => d.Cores)} · drones online {status.DronesOnline} of {status.Drones.Count} · " +
            $"jobs {p.Done} done, {p.Building} building, {p.Ready} ready, {p.Waiting} waiting, {p.Blocked} blocked, {p.Failed} failed, {p.Stuck} stuck · " +
            $"binhost {monitor.Binhost.Packages} packages · {Math.Round(monitor.Energy.CurrentWatts):0} W");
    }

    private static string Describe(SwarmEvent ev) =>
        string.Join(" · ", new[] { ev.Drone, ev.Cpv, ev.State, ev.Detail }.Where(x => !string.IsNullOrEmpty(x)));

    /// <summary>Reads the SSE stream, reconnecting with Last-Event-ID, and signals each event.</summary>
    private static async Task FollowAsync(GatewayConnection connection, SemaphoreSlim changed, Queue<SwarmEvent> recent, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        string? lastId = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, connection.Url + "/api/gateway/events");
                request.Headers.Accept.ParseAdd("text/event-stream");
                if (lastId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastId);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        lastId = line[4..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        var e = System.Text.Json.JsonSerializer.Deserialize(line[6..], SwarmJsonContext.Default.SwarmEvent);
                        lock (recent)
                        {
                            recent.Enqueue(e!);
                            while (recent.Count > KeptEvents)
                            {
                                recent.Dequeue();
                            }
                        }

                        changed.Release();
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static Rows Render(SwarmStatus status, MonitorView monitor, IReadOnlyList<SwarmEvent> events, string url)
    {
        static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var p = monitor.Progress;
        var e = monitor.Energy;
        var header = new Markup(
            $"[bold]BuildSwarm[/] {Markup.Escape(status.Version)} at {Markup.Escape(url)}   {DateTime.Now:HH:mm:ss}\n" +
            $"Cores online [bold]{status.CoresOnline}[/] of {status.Drones.Sum(d => d.Cores)}   Drones online [bold]{status.DronesOnline}[/]   " +
            $"Binhost [bold]{monitor.Binhost.Packages}[/] packages\n" +
            $"Progress: [green]{p.Done} done[/] · [blue]{p.Building} building[/] · {p.Ready} ready · {p.Waiting} waiting · " +
            $"[red]{p.Blocked} blocked · {p.Failed} failed[/] · [yellow]{p.Stuck} stuck[/] of {p.Total}\n" +
            $"Power [bold]{N(Math.Round(e.CurrentWatts))} W[/]   today {N(e.KwhToday)} kWh   total {N(e.KwhTotal)} kWh");

        var drones = new Table().Expand().AddColumns("Drone", "Site", "State", "Cores", "Building", "Power");
        foreach (var drone in status.Drones)
        {
            var jobs = monitor.Running.Where(j => j.Drone == drone.Name)
                .Select(j => $"{j.Cpv} (#{j.JobId}, {(int)(DateTimeOffset.UtcNow - j.Since).TotalSeconds}s)");
            drones.AddRow(Markup.Escape(drone.Name), Markup.Escape(drone.Site), Markup.Escape(drone.State), drone.Cores.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", jobs)), drone.Watts is { } w ? $"{N(Math.Round(w))} W" : "–");
        }

        var failures = new Table().Expand().AddColumns("Job", "Package", "State", "Error");
        foreach (var f in monitor.Failures.Take(5))
        {
            failures.AddRow($"#{f.JobId}", Markup.Escape(f.Cpv), Markup.Escape(f.State), Markup.Escape(f.Error ?? ""));
        }

        var feed = new Rows(events.Reverse().Select(ev => new Markup(
            $"[grey]{ev.At.ToLocalTime():HH:mm:ss}[/] {Markup.Escape(ev.Type)} {Markup.Escape(Describe(ev))}")));
        return new Rows(header, drones, failures, new Panel(feed).Header("events"));
    }
}

using System.Text.Json;
using BuildSwarm.Core.Contracts;

namespace BuildSwarm.Tests.Infrastructure;

/// <summary>A minimal server-sent events client for tests: one open stream, read message by message.</summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseReader> OpenAsync(string url, string? lastEventId = null)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new SseReader(http, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next message (id and data); comments and retry lines are skipped.</summary>
    public async Task<(string? Id, string Data)> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? id = null;
        var data = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return (id, string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line[6..]);
            }
        }
    }

    public async Task<SwarmEvent> NextEventAsync(TimeSpan timeout)
    {
        var (_, data) = await NextAsync(timeout);
        return JsonSerializer.Deserialize(data, SwarmJsonContext.Default.SwarmEvent)!;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}

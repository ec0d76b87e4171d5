using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;

using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary><c>logs &lt;job&gt; [--follow]</c>: a job's build log, as it is now or as it grows.</summary>
internal static class LogsCommand
{
    private const int WaitSeconds = 20;

    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "Job id (see 'build-swarm status' or the dashboard)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing the log as the drone ships it, until the job ends" };
        var gateway = CommonOptions.Gateway();
        var token = CommonOptions.Token();
        var data = CommonOptions.Data();
        var command = new Command("logs", "Print the build log of a job") { job, follow, gateway, token, data };
        command.SetAction(async (parse, ct) =>
        {
            var raw = parse.GetValue(job)!;
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new UsageException($"logs: '{raw}' is not a job id (a positive number, see 'build-swarm status')");
            }

            using var connection = GatewayConnection.Resolve(parse.GetValue(gateway), parse.GetValue(token), parse.GetValue(data)!);
            using var http = new HttpClient { BaseAddress = new Uri(connection.Url + "/"), Timeout = TimeSpan.FromSeconds(WaitSeconds + 30) };

            var following = parse.GetValue(follow);
            long offset = 0;
            while (true)
            {
                var url = $"api/gateway/jobs/{id}/log?offset={offset}" + (following ? $"&wait={WaitSeconds}" : "");
                HttpResponseMessage response;
                try
                {
                    response = await http.GetAsync(url, ct);
                }
                catch (HttpRequestException ex)
                {
                    throw new CliException($"cannot reach the gateway at {connection.Url}: {ex.Message}");
                }

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        throw new CliException($"no job {id}");
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        throw new CliException($"the gateway refused ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, ct)}");
                    }

                    var bytes = await response.Content.ReadAsByteArrayAsync(ct);
                    if (bytes.Length > 0)
                    {
                        Output.Text(Encoding.UTF8.GetString(bytes));
                    }

                    offset = long.TryParse(Header(response, "X-Log-Offset"), NumberStyles.None, CultureInfo.InvariantCulture, out var next) ? next : offset + bytes.Length;
                    var state = Header(response, "X-Job-State");
                    var over = state is "done" or "failed" or "broken" or "blocked";
                    if (!following || (over && bytes.Length == 0))
                    {
                        return 0;
                    }
                }
            }
        });
        return command;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

using BuildSwarm.Hosting.Http;

namespace BuildSwarm.Cli;

/// <summary>Turns a refused admin call into one line for the operator.</summary>
internal static class AdminCalls
{
    public static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"could not {what} ({(int)response.StatusCode}): {await ProblemText.ReadAsync(response, cancellationToken)}");
        }
    }
}

using BuildSwarm.Gateway.Events;
using BuildSwarm.Gateway.Storage;

namespace BuildSwarm.Gateway.Jobs;

/// <summary>Operator actions on the queue (<see cref="JobTables"/> holds each one's transaction); announced and replanned here.</summary>
public sealed partial class JobStore
{
    public async Task<QueueOutcome> CancelBuildAsync(string buildId, CancellationToken cancellationToken) =>
        await AnnounceAsync(await tables.CancelBuildAsync(buildId, cancellationToken), "cancel", null);

    public async Task<QueueOutcome> RetryBuildAsync(string buildId, CancellationToken cancellationToken) =>
        await AnnounceAsync(await tables.RetryBuildAsync(buildId, cancellationToken), "retry", null);

    public async Task<QueueOutcome> RetryJobAsync(long jobId, CancellationToken cancellationToken) =>
        await AnnounceAsync(await tables.RetryJobAsync(jobId, cancellationToken), "retry", jobId);

    public async Task<QueueOutcome> UnblockJobAsync(long jobId, CancellationToken cancellationToken) =>
        await AnnounceAsync(await tables.UnblockJobAsync(jobId, cancellationToken), "unblock", jobId);

    private async Task<QueueOutcome> AnnounceAsync(QueueOutcome outcome, string action, long? jobId)
    {
        if (outcome.Reply is not { } reply)
        {
            return outcome;
        }

        LogQueueAction(action, reply.BuildId, reply.Detail ?? "");
        signal.Pulse();
        await events.PublishAsync(SwarmEvents.Draft(jobId is null ? $"build.{action}" : $"job.{action}", reply.BuildId, jobId, detail: reply.Detail));
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue action {Action} on build {BuildId}: {Detail}")]
    private partial void LogQueueAction(string action, string buildId, string detail);
}

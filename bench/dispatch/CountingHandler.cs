namespace Dispatch;

/// <summary>Counts the driver's requests, so a run can say how many it took per job (long-polls and heartbeats included).</summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        return base.SendAsync(request, cancellationToken);
    }
}

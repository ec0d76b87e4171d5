namespace BuildSwarm.Hosting.Http;

/// <summary>Endpoint metadata naming the token a route requires (e.g. <c>admin token</c>), for the audit log and route tables.</summary>
public sealed record RequiredToken(string What);

public static class TokenFilter
{
    /// <summary>Requires <c>Authorization: Bearer</c> with the token <paramref name="expected"/> returns.</summary>
    public static TBuilder RequireToken<TBuilder>(this TBuilder builder, Func<IServiceProvider, string?> expected, string what)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredToken(what)).AddEndpointFilter(async (context, next) =>
        {
            var presented = BearerToken.From(context.HttpContext.Request);
            if (presented is null)
            {
                return Problems.Unauthorized($"missing bearer token: send 'Authorization: Bearer <{what}>'");
            }

            return BearerToken.Matches(presented, expected(context.HttpContext.RequestServices))
                ? await next(context)
                : Problems.Unauthorized($"the {what} is not valid");
        });
}

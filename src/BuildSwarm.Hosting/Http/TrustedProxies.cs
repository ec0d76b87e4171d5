using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace BuildSwarm.Hosting.Http;

/// <summary><c>X-Forwarded-*</c> from the configured proxies only (<see cref="HttpSecurityOptions.TrustedProxies"/>).</summary>
public static class TrustedProxies
{
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<HttpSecurityOptions>().TrustedProxies;
        if (proxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // The defaults trust loopback: only what the operator listed counts.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else if (System.Net.IPNetwork.TryParse(proxy, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else
            {
                throw new InvalidOperationException($"Security:TrustedProxies: '{proxy}' is neither an IP address nor a network such as 10.0.0.0/24");
            }
        }

        return app.UseForwardedHeaders(options);
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSwarm.Hosting;
using BuildSwarm.Tests.Infrastructure;

namespace BuildSwarm.Tests.Security;

/// <summary>Issue 17: TLS on a role's listener from PEM files, and a renewed certificate served without a restart.</summary>
public sealed class TlsListenerTests
{
    [Fact]
    public async Task The_gateway_serves_tls_from_pem_files_and_picks_up_a_renewed_certificate()
    {
        using var dir = new TempDir();
        var (certificate, key) = (Path.Combine(dir.Path, "cert.pem"), Path.Combine(dir.Path, "key.pem"));
        var first = WritePem(certificate, key, "first");
        await using var gateway = await InProcessGateway.StartAsync(o =>
        {
            o.Listen = "https://127.0.0.1:0";
            o.Security.CertificateFile = certificate;
            o.Security.KeyFile = key;
        });

        Assert.StartsWith("https://", gateway.Url, StringComparison.Ordinal);
        var pinned = new HashSet<string>(StringComparer.Ordinal) { first };
        Assert.Equal((HttpStatusCode.OK, first), await ProbeAsync(gateway.Url, pinned));

        var second = WritePem(certificate + ".new", key + ".new", "second");
        pinned.Add(second);
        File.Move(key + ".new", key, overwrite: true);
        File.Move(certificate + ".new", certificate, overwrite: true);
        File.SetLastWriteTimeUtc(certificate, DateTime.UtcNow.AddSeconds(5));
        await Poll.UntilAsync(async () => (await ProbeAsync(gateway.Url, pinned)).Thumbprint == second, TimeSpan.FromSeconds(15), "the renewed certificate to be served");
    }

    [Fact]
    public async Task An_https_listener_without_a_certificate_and_an_unreadable_certificate_are_refused_in_one_line()
    {
        var missing = await Assert.ThrowsAsync<ListenerSettingsException>(() => InProcessGateway.StartAsync(o => o.Listen = "https://127.0.0.1:0"));
        Assert.Contains("Security:CertificateFile", missing.Message, StringComparison.Ordinal);
        var unreadable = await Assert.ThrowsAsync<ListenerSettingsException>(() => InProcessGateway.StartAsync(o =>
        {
            o.Listen = "https://127.0.0.1:0";
            o.Security.CertificateFile = "/nonexistent/cert.pem";
        }));
        Assert.Contains("/nonexistent/cert.pem", unreadable.Message, StringComparison.Ordinal);
    }

    /// <summary>A new connection each time (so a new handshake), trusting only the <paramref name="pinned"/> certificates.</summary>
    private static async Task<(HttpStatusCode Status, string? Thumbprint)> ProbeAsync(string url, HashSet<string> pinned)
    {
        string? seen = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            seen = cert is null ? null : Convert.ToHexString(cert.GetCertHash());
            return seen is not null && pinned.Contains(seen);
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(url + "/healthz");
        return (response.StatusCode, seen);
    }

    /// <summary>A self-signed certificate for 127.0.0.1, as PEM files; returns its SHA-1 thumbprint.</summary>
    private static string WritePem(string certificateFile, string keyFile, string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificateFile, cert.ExportCertificatePem());
        return Convert.ToHexString(cert.GetCertHash());
    }
}

using System.Security.Cryptography.X509Certificates;

namespace BuildSwarm.Hosting.Network;

/// <summary>
/// The listener's TLS certificate from PEM files (<c>Security:CertificateFile</c>, <c>Security:KeyFile</c>), read again
/// when either file changes: a renewed certificate (certbot, an internal CA's agent) is served from the next handshake,
/// without a restart. A file caught half-written keeps the previous certificate until it parses.
/// </summary>
public sealed class ServerCertificate
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private readonly string _certificateFile;
    private readonly string? _keyFile;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _stamp;
    private DateTimeOffset _checked;

    public ServerCertificate(string certificateFile, string? keyFile, TimeProvider time)
    {
        (_certificateFile, _keyFile, _time) = (certificateFile, string.IsNullOrEmpty(keyFile) ? null : keyFile, time);
        _stamp = Stamp();
        _current = Load();
        _checked = time.GetUtcNow();
    }

    /// <summary>The certificate to present now.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_lock)
            {
                if (_time.GetUtcNow() - _checked >= CheckEvery)
                {
                    _checked = _time.GetUtcNow();
                    var stamp = Stamp();
                    if (stamp != _stamp)
                    {
                        try
                        {
                            _current = Load();
                            _stamp = stamp;
                        }
                        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
                        {
                            // Half-written or mismatched for a moment: keep serving the previous one, try again next time.
                        }
                    }
                }

                return _current;
            }
        }
    }

    private (DateTime, DateTime) Stamp() =>
        (File.GetLastWriteTimeUtc(_certificateFile), _keyFile is null ? default : File.GetLastWriteTimeUtc(_keyFile));

    private X509Certificate2 Load()
    {
        using var pem = X509Certificate2.CreateFromPemFile(_certificateFile, _keyFile);
        // Exported and re-imported so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}

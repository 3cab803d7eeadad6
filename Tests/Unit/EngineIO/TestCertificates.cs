using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansSocket.Tests.EngineIO;

/// <summary>Self-signed certificates for tests that run TLS over loopback.</summary>
internal static class TestCertificates
{
    /// <summary>A certificate for <paramref name="subject"/>, valid from yesterday to tomorrow, naming <paramref name="address"/> too when given.</summary>
    public static X509Certificate2 SelfSigned(string subject, IPAddress? address = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (address is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(address);
            request.CertificateExtensions.Add(names.Build());
        }
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // SslStream (and so Kestrel's TLS) needs the key in a form it can use on Linux: through PKCS #12.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}

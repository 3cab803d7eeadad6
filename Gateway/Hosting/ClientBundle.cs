using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace OrleansSocket.Gateway.Hosting;

/// <summary>
/// The official browser client (socket.io-client's dist/ files, embedded at build time), served as Node's server
/// serves it with <c>serveClient</c>: <c>socket.io.js</c>, <c>.min.js</c>, <c>.esm.min.js</c>, <c>.msgpack.min.js</c>
/// and their <c>.map</c> files under the Socket.IO path, with an ETag and <c>Cache-Control: public, max-age=0</c>,
/// answering a matching <c>If-None-Match</c> with 304.
/// </summary>
internal static class ClientBundle
{
    private const string ResourcePrefix = "OrleansSocket.Client/";

    private static readonly Lazy<FrozenDictionary<string, ClientFile>> Files = new(Load);

    /// <summary>The file names served (e.g. <c>socket.io.min.js</c>); empty if the build embedded none.</summary>
    public static IEnumerable<string> Names => Files.Value.Keys;

    /// <summary>Maps a GET endpoint per file under <paramref name="prefix"/> (the Socket.IO path, "/socket.io" style).</summary>
    public static void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        foreach (var (name, file) in Files.Value)
            endpoints.MapGet($"{prefix}/{name}", (HttpContext context) => ServeAsync(context, file))
                .ExcludeFromDescription();
    }

    private static Task ServeAsync(HttpContext context, ClientFile file)
    {
        var response = context.Response;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch == file.ETag || ifNoneMatch == "W/" + file.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.Headers.CacheControl = "public, max-age=0";
        response.Headers.ETag = file.ETag;
        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        return response.Body.WriteAsync(file.Content, context.RequestAborted).AsTask();
    }

    private static FrozenDictionary<string, ClientFile> Load()
    {
        var assembly = typeof(ClientBundle).Assembly;
        var files = new Dictionary<string, ClientFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            var name = resource[ResourcePrefix.Length..];
            files[name] = ClientFile.Read(assembly, resource, name);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record ClientFile(byte[] Content, string ContentType, string ETag)
    {
        public static ClientFile Read(Assembly assembly, string resource, string name)
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            // Node's ETag is the client's version; a hash of the content changes exactly when the file does.
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"").ToString();
            var contentType = name.EndsWith(".map", StringComparison.Ordinal)
                ? "application/json; charset=utf-8"
                : "application/javascript; charset=utf-8";
            return new ClientFile(content, contentType, etag);
        }
    }
}

using Microsoft.Extensions.FileProviders;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the Socket.IO Admin UI's static app (<c>@socket.io/admin-ui</c>'s <c>ui/dist</c>) from the gateway.</summary>
public static class AdminUIApplicationBuilderExtensions
{
    /// <summary>
    /// Serves the files of <paramref name="directory"/> (the <c>ui/dist</c> folder of the npm package
    /// <c>@socket.io/admin-ui</c> 0.5.x) under <paramref name="path"/>, <c>index.html</c> for the folder itself. Served from
    /// the gateway, the UI reaches the admin namespace on the same origin (no CORS); give it this gateway's address as
    /// the server URL. The files are public: the admin namespace's authentication is what protects the server.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="path">Where the UI is served, e.g. <c>/admin-ui</c>.</param>
    /// <param name="directory">The UI's files (absolute, or relative to the content root).</param>
    /// <returns>The application.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> has no <c>index.html</c>.</exception>
    public static IApplicationBuilder UseSocketIOAdminUI(this IApplicationBuilder app, string path, string directory)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory, app.ApplicationServices.GetRequiredService<IWebHostEnvironment>().ContentRootPath);
        if (!File.Exists(Path.Combine(root, "index.html")))
            throw new DirectoryNotFoundException($"The Admin UI's files are not in {root} (no index.html): give the ui/dist folder of the npm package @socket.io/admin-ui.");
        return app.UseFileServer(new FileServerOptions
        {
            RequestPath = "/" + path.Trim('/'),
            FileProvider = new PhysicalFileProvider(root),
        });
    }
}

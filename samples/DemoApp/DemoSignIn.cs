using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSocket.DemoApp;

/// <summary>
/// The demo's optional sign-in, configuration section <c>Demo:SignIn</c>: off unless <see cref="SigningKey"/> is set.
/// A DEMO, not an identity provider: <c>POST /login {name}</c> hands anyone a JWT for the name they ask for, signed
/// with the configured key; an application gets its tokens from its identity provider and keeps only the
/// <c>AddJwtBearer</c> part.
/// </summary>
public sealed class DemoSignInOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Demo:SignIn";

    /// <summary>The HMAC-SHA256 key the tokens are signed and checked with, 32 characters or more; none: no sign-in.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The tokens' issuer.</summary>
    public string Issuer { get; set; } = "orleanssocket-demo";

    /// <summary>The tokens' audience.</summary>
    public string Audience { get; set; } = "orleanssocket-demo";

    /// <summary>How long a token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Whether the gateway maps Socket.IO with <c>RequireAuthorization()</c> (true, the default): every Engine.IO
    /// request carries the token (<c>Authorization</c> header or <c>access_token</c> query). False: anyone may open a
    /// connection and the chat's connect handler takes the token from the CONNECT packet's <c>auth.token</c>.
    /// </summary>
    public bool RequireAuthorization { get; set; } = true;
}

/// <summary>Registers and serves the demo's sign-in (<see cref="DemoSignInOptions"/>).</summary>
public static class DemoSignIn
{
    /// <summary>The claim type of the user's name in the tokens.</summary>
    public const string NameClaim = "name";

    /// <summary>
    /// When <c>Demo:SignIn:SigningKey</c> is configured: the JWT bearer scheme (token from the <c>Authorization</c>
    /// header or the <c>access_token</c> query, as SignalR does) and authorization, on a gateway as in a silo (where
    /// the chat checks a CONNECT packet's <c>auth.token</c> with the same scheme). Returns the options, or null when off.
    /// </summary>
    public static DemoSignInOptions? AddDemoSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DemoSignInOptions.Section).Get<DemoSignInOptions>();
        if (string.IsNullOrEmpty(options?.SigningKey)) return null;
        if (options.SigningKey.Length < 32)
            throw new InvalidOperationException($"{DemoSignInOptions.Section}:SigningKey needs 32 characters or more (HMAC-SHA256).");
        services.AddSingleton(options);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                IssuerSigningKey = Key(options),
                NameClaimType = NameClaim,
                RoleClaimType = "role",
            };
            // Browsers cannot set headers on a WebSocket: the token may come as access_token in the query.
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var token = context.Request.Query["access_token"];
                    if (!string.IsNullOrEmpty(token)) context.Token = token;
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization();
        return options;
    }

    /// <summary>A signed token for <paramref name="name"/>.</summary>
    public static string CreateToken(DemoSignInOptions options, string name) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = options.Issuer,
        Audience = options.Audience,
        Expires = DateTime.UtcNow.Add(options.TokenLifetime),
        Subject = new ClaimsIdentity([new Claim(NameClaim, name)]),
        SigningCredentials = new SigningCredentials(Key(options), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>
    /// The user of a token the client put in its CONNECT packet (<c>auth.token</c>), checked by the registered JWT
    /// bearer scheme's own handler through <see cref="IAuthenticationService"/>, as if it had come in an
    /// <c>Authorization</c> header: same keys, issuer, audience, lifetime and events. Null when it is not valid.
    /// </summary>
    public static async Task<ClaimsPrincipal?> AuthenticateTokenAsync(IServiceProvider services, string token)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Headers.Authorization = "Bearer " + token;
        var result = await services.GetRequiredService<IAuthenticationService>().AuthenticateAsync(http, JwtBearerDefaults.AuthenticationScheme);
        return result.Succeeded ? result.Principal : null;
    }

    private static SymmetricSecurityKey Key(DemoSignInOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey!));
}

using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSocket.TestHosts;

/// <summary>The auth profile's JWT bearer scheme, set up as an application using SignalR would.</summary>
internal static class TestJwtBearer
{
    public static IServiceCollection AddTestJwtBearer(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = AuthHandlers.Issuer,
                ValidAudience = AuthHandlers.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AuthHandlers.SigningKey)),
                NameClaimType = "name",
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
        services.AddAuthorizationBuilder().AddPolicy(AuthHandlers.AdminPolicy, policy => policy.RequireRole("admin"));
        return services;
    }
}

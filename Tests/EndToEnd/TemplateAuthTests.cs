using System.Security.Claims;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>
/// The app of <c>dotnet new orleanssocket</c> (the same build as <see cref="AppTemplateFixture"/>'s) with the
/// authentication it has wired in switched on by configuration alone, as its README says: the JWT bearer scheme's
/// <c>Authentication:Schemes:Bearer</c> section (issuer, audience, a signing key, as <c>dotnet user-jwts</c> writes
/// them) and <c>Authentication:RequireAuthenticatedUser=true</c>.
/// </summary>
public sealed class AppTemplateAuthFixture : TemplateAppFixture
{
    public const string Issuer = "orleanssocket-e2e";
    public const string Audience = "orleanssocket-template";

    /// <summary>This run's signing key.</summary>
    public byte[] Key { get; } = RandomNumberGenerator.GetBytes(32);

    protected override string ShortName => "orleanssocket";

    protected override (string Directory, string Dll) Program =>
        (AppDirectory, Path.Combine(AppDirectory, "bin", "Release", "net10.0", "Chat.dll"));

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--Authentication:RequireAuthenticatedUser=true",
        $"--Authentication:Schemes:Bearer:ValidIssuer={Issuer}",
        $"--Authentication:Schemes:Bearer:ValidAudiences:0={Audience}",
        $"--Authentication:Schemes:Bearer:SigningKeys:0:Issuer={Issuer}",
        $"--Authentication:Schemes:Bearer:SigningKeys:0:Value={Convert.ToBase64String(Key)}",
    ];

    // The handshake needs a token now: the page (anonymous static files) says the app is up.
    protected override string ReadyPath => "/";

    /// <summary>A token for <paramref name="name"/>, with the claim <c>dotnet user-jwts</c> gives the name.</summary>
    public string Token(string name) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Subject = new ClaimsIdentity([new Claim("unique_name", name), new Claim("sub", name)]),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Key), SecurityAlgorithms.HmacSha256),
    });
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppTemplateAuthCollection : ICollectionFixture<AppTemplateAuthFixture>
{
    public const string Name = "E2E app made by dotnet new orleanssocket, authentication on";
}

/// <summary>The template's authentication, on: socket.io-client 4.x (Tests/clients/template-auth-client.js).</summary>
[Collection(AppTemplateAuthCollection.Name)]
public sealed class AppTemplateAuthTests(AppTemplateAuthFixture app, ITestOutputHelper output)
{
    [Fact]
    public Task Tokens_are_required_and_name_the_chat_users() =>
        E2eAssert.NodeScriptSucceedsAsync(app, output, "template-auth-client.js", app.Token("alice"), app.Token("bob"), "30000");
}

/// <summary>The templates' apps name, for the packages the repository also uses, the versions of Directory.Packages.props.</summary>
public sealed class TemplatePackageVersionTests
{
    [Fact]
    public void The_templates_use_the_central_package_versions()
    {
        var central = XDocument.Load(Path.Combine(E2eEnvironment.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        var projects = Directory.GetFiles(Path.Combine(E2eEnvironment.RepoRoot, "templates", "content"), "*.csproj", SearchOption.AllDirectories);
        var checkedReferences = 0;
        foreach (var project in projects)
        {
            foreach (var reference in XDocument.Load(project).Descendants("PackageReference"))
            {
                var (id, version) = ((string)reference.Attribute("Include")!, (string?)reference.Attribute("Version"));
                if (version == "OrleansSocketPackageVersion") continue; // this build's own packages
                // Packing makes the token OrleansPackageVersion the $(OrleansVersion) of Directory.Packages.props.
                if (version == "OrleansPackageVersion") version = "$(OrleansVersion)";
                Assert.True(central.TryGetValue(id, out var expected), $"{Path.GetFileName(project)}: {id} is not in Directory.Packages.props");
                Assert.True(expected == version, $"{Path.GetFileName(project)}: {id} {version}, Directory.Packages.props {expected}");
                checkedReferences++;
            }
        }
        Assert.True(checkedReferences >= 8, $"only {checkedReferences} package references checked"); // 4 in each of the two gateways, and Orleans' Redis
    }
}

using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

public sealed class AdminUIOptionsValidatorTests
{
    private static IEnumerable<string> Failures(AdminUIOptions options) =>
        new AdminUIOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Authentication_must_be_chosen()
    {
        var failure = Assert.Single(Failures(new AdminUIOptions()));
        Assert.StartsWith("SocketIO:AdminUI:Authentication must be Basic", failure);
    }

    [Fact]
    public void None_is_valid_when_chosen_explicitly() =>
        Assert.Empty(Failures(new AdminUIOptions { Authentication = AdminUIAuthentication.None }));

    [Fact]
    public void Basic_needs_a_username_and_a_bcrypt_hash()
    {
        Assert.Empty(Failures(new AdminUIOptions { Authentication = AdminUIAuthentication.Basic, Username = "admin", PasswordHash = AdminSessionsTests.Hash }));
        Assert.Equal(["SocketIO:AdminUI:Username is required with SocketIO:AdminUI:Authentication=Basic.",
                "SocketIO:AdminUI:PasswordHash must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters) with SocketIO:AdminUI:Authentication=Basic."],
            Failures(new AdminUIOptions { Authentication = AdminUIAuthentication.Basic }));
        // A clear-text password is not a hash.
        Assert.Single(Failures(new AdminUIOptions { Authentication = AdminUIAuthentication.Basic, Username = "admin", PasswordHash = "changeit" }));
    }

    [Theory]
    [InlineData("$2b$12$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu", true)]
    [InlineData("$2y$04$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu", true)]
    [InlineData("$2a$03$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu", false)] // cost below 4
    [InlineData("$2a$10$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.N", false)] // 59 characters
    [InlineData("$1$10$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nuu", false)] // MD5 crypt
    [InlineData("", false)]
    public void Bcrypt_hashes_are_recognized(string hash, bool valid) =>
        Assert.Equal(valid, AdminUIOptionsValidator.IsBcryptHash(hash));

    [Fact]
    public void None_with_credentials_namespace_intervals_and_bounds_are_checked()
    {
        var failures = Failures(new AdminUIOptions
        {
            Authentication = AdminUIAuthentication.None, Username = "admin", Namespace = "admin",
            ServerStatsInterval = TimeSpan.Zero, SessionDuration = TimeSpan.Zero, MaxPendingEvents = 0, MaxPendingEventBytes = 0,
        }).ToList();

        Assert.Equal(6, failures.Count);
        Assert.Contains("SocketIO:AdminUI:MaxPendingEvents must be at least 1 (was 0).", failures);
        Assert.Contains("SocketIO:AdminUI:MaxPendingEventBytes must be at least 1 (was 0).", failures);
        Assert.Contains("SocketIO:AdminUI:Namespace must be a namespace such as /admin (was 'admin').", failures);
        Assert.Contains(failures, f => f.StartsWith("SocketIO:AdminUI:Username and SocketIO:AdminUI:PasswordHash are set", StringComparison.Ordinal));
        Assert.Contains("SocketIO:AdminUI:ServerStatsInterval must be positive (was 00:00:00).", failures);
        Assert.Contains("SocketIO:AdminUI:SessionDuration must be positive (was 00:00:00).", failures);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansSocket.Grains.Admin;

namespace OrleansSocket.Tests.Admin;

public sealed class AdminSessionsTests
{
    internal const string Hash = "$2a$10$sSK4TIfh8o2XZFQ1FOS3vOF2FsFST2ooX1E/95YHtRBgGgqIes.Nu"; // bcrypt of "changeit"

    private static AdminSessions Sessions(TimeProvider time, string hash = Hash) => new(Options.Create(new AdminUIOptions
    {
        Authentication = AdminUIAuthentication.Basic, Username = "admin", PasswordHash = hash, SessionDuration = TimeSpan.FromHours(1),
    }), time);

    [Fact]
    public void An_issued_session_id_is_valid_until_the_session_duration_has_passed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var sessions = Sessions(time);
        var id = sessions.Issue();

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(sessions.IsValid(id));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(sessions.IsValid(id));
    }

    [Fact]
    public void Another_process_with_the_same_options_accepts_the_id_one_with_another_password_does_not()
    {
        var time = new FakeTimeProvider();
        var id = Sessions(time).Issue();

        Assert.True(Sessions(time).IsValid(id));
        Assert.False(Sessions(time, "$2a$10$" + new string('A', 53)).IsValid(id));
    }

    [Fact]
    public void Forged_altered_and_malformed_ids_are_refused()
    {
        var sessions = Sessions(new FakeTimeProvider());
        var id = sessions.Issue();
        // A later expiry with the old signature: the signature covers the expiry.
        var later = (Convert.ToInt64(id[..16], 16) + 3600).ToString("x16") + id[16..];

        Assert.False(sessions.IsValid(later));
        Assert.False(sessions.IsValid(id[..^1] + (id[^1] == '0' ? '1' : '0')));
        Assert.False(sessions.IsValid(id + "00"));
        Assert.False(sessions.IsValid(new string('z', id.Length)));
        Assert.False(sessions.IsValid(""));
        Assert.False(sessions.IsValid(null));
        Assert.NotEqual(id, sessions.Issue());
    }
}

using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Smog.OpenStack.Identity;

namespace Smog.Cloud.Api.Identity;

/// <summary>
/// Keystone's state: the default domain, projects <c>admin</c> and <c>smog</c>, roles reader,
/// member and admin, users <c>smog-admin</c> (admin on both projects) and <c>smog-member</c>
/// (member of <c>smog</c>), with passwords generated per start; issued tokens and application
/// credentials. The recorded Zed lab scopes both users to project <c>smog</c>, so its
/// exchanges replay here unchanged; the admin cloud in clouds.yaml uses project <c>admin</c>,
/// so a member of <c>smog</c> does not see the admin's servers.
/// </summary>
public sealed class IdentityStore
{
    public const string DomainId = "default";
    public const string DomainName = "Default";
    public const string AdminUser = "smog-admin";
    public const string MemberUser = "smog-member";

    private readonly ConcurrentDictionary<string, IssuedToken> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AppCredential> credentials = new(StringComparer.Ordinal);
    private readonly Dictionary<(string User, string Project), ImmutableArray<Role>> assignments = [];

    public IdentityStore(TimeProvider time, TimeSpan tokenLifetime, TimeSpan? revokeAfter)
    {
        Time = time;
        TokenLifetime = tokenLifetime;
        RevokeAfter = revokeAfter;
        AdminProject = new Project(NewId(), "admin");
        MemberProject = new Project(NewId(), "smog");
        ServiceProject = new Project(NewId(), "service");
        Reader = new Role(NewId(), "reader");
        Member = new Role(NewId(), "member");
        Admin = new Role(NewId(), "admin");
        AdminAccount = new User(NewId(), AdminUser, NewSecret(), AdminProject);
        MemberAccount = new User(NewId(), MemberUser, NewSecret(), MemberProject);
        assignments[(AdminAccount.Id, AdminProject.Id)] = [Reader, Member, Admin];
        assignments[(AdminAccount.Id, MemberProject.Id)] = [Reader, Member, Admin];
        assignments[(MemberAccount.Id, MemberProject.Id)] = [Reader, Member];
    }

    public TimeProvider Time { get; }
    public TimeSpan TokenLifetime { get; }
    public TimeSpan? RevokeAfter { get; }
    public Project AdminProject { get; }
    public Project MemberProject { get; }
    /// <summary>Owns the public images the cloud starts with.</summary>
    public Project ServiceProject { get; }
    public Role Reader { get; }
    public Role Member { get; }
    public Role Admin { get; }
    public User AdminAccount { get; }
    public User MemberAccount { get; }

    public IEnumerable<User> Users => [AdminAccount, MemberAccount];
    public IEnumerable<Project> Projects => [AdminProject, MemberProject, ServiceProject];

    public User? FindUser(string? id, string? name) =>
        Users.FirstOrDefault(u => (id is not null && u.Id == id) || (id is null && name is not null && u.Name == name));

    public Project? FindProject(string? id, string? name) =>
        Projects.FirstOrDefault(p => (id is not null && p.Id == id) || (id is null && name is not null && p.Name == name));

    public ImmutableArray<Role> RolesOf(User user, Project project) =>
        assignments.TryGetValue((user.Id, project.Id), out var roles) ? roles : [];

    public IssuedToken Issue(User user, Project project, ImmutableArray<Role> roles, ImmutableArray<string> methods,
        AppCredential? credential = null, IssuedToken? from = null)
    {
        var now = Time.GetUtcNow();
        // Rescoping keeps the original expiry and audit chain, as Keystone does.
        var expires = from?.ExpiresAt ?? now + TokenLifetime;
        var audit = from is null ? [NewAuditId()] : from.AuditIds.Insert(0, NewAuditId());
        var token = new IssuedToken(new Secret("gAAAA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))), user, project, roles, methods,
            now, expires, audit, credential, RevokeAfter is { } r ? now + r : null);
        tokens[token.Value.Reveal()] = token;
        return token;
    }

    /// <summary>
    /// An admin token for host access that lives as long as the cloud (no expiry, no injected
    /// revocation): what the inventory's key file holds.
    /// </summary>
    public IssuedToken IssueHostAccessToken()
    {
        var now = Time.GetUtcNow();
        var token = new IssuedToken(new Secret("gAAAA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))), AdminAccount, AdminProject,
            RolesOf(AdminAccount, AdminProject), ["password"], now, DateTimeOffset.MaxValue, [NewAuditId()], null, null);
        tokens[token.Value.Reveal()] = token;
        return token;
    }

    /// <summary>The valid token with this value, or null (unknown, expired or revoked).</summary>
    public IssuedToken? Validate(string? value) =>
        value is not null && tokens.TryGetValue(value, out var t) && t.ValidAt(Time.GetUtcNow())
        && (t.AppCredential is null || credentials.ContainsKey(t.AppCredential.Id)) ? t : null;

    public AppCredential CreateCredential(User user, Project project, ImmutableArray<Role> roles, string name, string? description, string? secret,
        DateTimeOffset? expiresAt, bool unrestricted)
    {
        var credential = new AppCredential(NewId(), name, description, user, project, roles, new Secret(secret ?? NewSecret().Reveal()), expiresAt, unrestricted);
        credentials[credential.Id] = credential;
        return credential;
    }

    public AppCredential? FindCredential(string id) => credentials.TryGetValue(id, out var c) ? c : null;

    public AppCredential? FindCredentialByName(User user, string name) =>
        credentials.Values.FirstOrDefault(c => c.User.Id == user.Id && c.Name == name);

    public IEnumerable<AppCredential> CredentialsOf(User user) => credentials.Values.Where(c => c.User.Id == user.Id).OrderBy(c => c.Name, StringComparer.Ordinal);

    public bool DeleteCredential(string id) => credentials.TryRemove(id, out _);

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static string NewAuditId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Secret NewSecret() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'x').Replace('/', 'y'));
}

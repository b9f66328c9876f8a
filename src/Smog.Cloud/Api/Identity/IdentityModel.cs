using System.Collections.Immutable;
using Smog.OpenStack.Identity;

namespace Smog.Cloud.Api.Identity;

public sealed record Project(string Id, string Name);

public sealed record Role(string Id, string Name);

/// <summary>A user with a password; <see cref="Secret"/> keeps it out of printed forms.</summary>
public sealed record User(string Id, string Name, Secret Password, Project DefaultProject);

/// <summary>An application credential: its own project and roles, a secret only its creator saw.</summary>
public sealed record AppCredential(string Id, string Name, string? Description, User User, Project Project, ImmutableArray<Role> Roles, Secret Secret,
    DateTimeOffset? ExpiresAt, bool Unrestricted);

/// <summary>
/// A token Keystone issued: who, scoped to which project, with which roles, until when.
/// <see cref="RevokedAfter"/> is the token-expiry fault: the token dies then although
/// <see cref="ExpiresAt"/> promised longer.
/// </summary>
public sealed record IssuedToken(Secret Value, User User, Project Project, ImmutableArray<Role> Roles, ImmutableArray<string> Methods,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, ImmutableArray<string> AuditIds, AppCredential? AppCredential, DateTimeOffset? RevokedAfter)
{
    public bool IsAdmin => Roles.Any(r => r.Name == "admin");

    public bool ValidAt(DateTimeOffset now) => now < ExpiresAt && (RevokedAfter is not { } dies || now < dies);
}

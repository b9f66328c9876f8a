namespace Smog.OpenStack.Identity;

/// <summary>Supplies the X-Auth-Token for service calls and hears when a service refused it.</summary>
public interface ITokenSource
{
    /// <summary>A token valid for at least the refresh margin; null for auth type none.</summary>
    ValueTask<Secret?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>A service answered 401 to <paramref name="token"/>: forget it so the next call re-authenticates.</summary>
    void Invalidate(Secret token);
}

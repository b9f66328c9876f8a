using System.Text;
using Smog.Cloud.Api.Identity;

namespace Smog.Cloud.Api.Hosting;

/// <summary>
/// The files a running cloud hands out: <c>clouds.yaml</c> (clouds <c>smog-admin</c> and
/// <c>smog-member</c>, no passwords), <c>secure.yaml</c> (the passwords, for
/// <c>OS_CLIENT_SECURE_FILE</c>), and an inventory for host access over HTTP (hosts with
/// <c>access: embedded</c>, their URL, and the path of the host-access key file).
/// </summary>
public sealed class CloudFiles(CloudAddress address, IdentityStore identity, Func<IReadOnlyList<string>> hosts)
{
    public const string AdminCloud = "smog-admin";
    public const string MemberCloud = "smog-member";
    public const string CloudsFile = "clouds.yaml";
    public const string SecureFile = "secure.yaml";
    public const string InventoryFile = "inventory.yml";
    public const string HostKeyFile = "host-access.key";

    public string CloudsYaml()
    {
        var text = new StringBuilder("# The embedded Smog cloud (smog cloud serve). Passwords are in secure.yaml.\nclouds:\n");
        foreach (var (cloud, user, project) in Clouds())
        {
            text.Append($"""
                  {cloud}:
                    auth:
                      auth_url: {Quote(address.Url(Errors.ServicePaths.IdentityApi))}
                      username: {Quote(user.Name)}
                      project_name: {Quote(project.Name)}
                      user_domain_name: {IdentityStore.DomainName}
                      project_domain_name: {IdentityStore.DomainName}
                    region_name: {Catalog.Region}
                    interface: public
                    identity_api_version: 3
                    # What Smog negotiates anyway; the openstack CLI would otherwise use 2.1 (no --nic none, no topology).
                    compute_api_version: "2.88"

                """);
        }
        return text.ToString();
    }

    public string SecureYaml()
    {
        var text = new StringBuilder("clouds:\n");
        foreach (var (cloud, user, _) in Clouds())
            text.Append($"  {cloud}:\n    auth:\n      password: {Quote(user.Password.Reveal())}\n");
        return text.ToString();
    }

    /// <summary>The inventory; <paramref name="keyPath"/> is where the host-access key file is (written beside it).</summary>
    public string InventoryYaml(string keyPath)
    {
        var text = new StringBuilder("# Host access to the embedded cloud's simulated hypervisors (smog discover --host NAME --inventory this-file).\nhosts:\n");
        foreach (var host in hosts())
        {
            text.Append($"  - name: {Quote(host)}\n    access: embedded\n    url: {Quote(address.Url($"{Errors.ServicePaths.Smog}/hosts/{Uri.EscapeDataString(host)}"))}\n");
            text.Append($"    key: {Quote(keyPath)}\n");
        }
        return text.ToString();
    }

    private IEnumerable<(string Cloud, User User, Project Project)> Clouds() =>
        [(AdminCloud, identity.AdminAccount, identity.AdminProject), (MemberCloud, identity.MemberAccount, identity.MemberProject)];

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

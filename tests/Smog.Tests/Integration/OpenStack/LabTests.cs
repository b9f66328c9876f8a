using System.Xml.Linq;
using Smog.Nova;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;

namespace Smog.Tests.Integration.OpenStack;

/// <summary>
/// Against the real Zed lab: auth, policy, flavors and aggregates, a pinned huge-page guest
/// checked through Nova, libvirt and Placement, and NoValidHost for a 2-node guest on the
/// one-cell host. Every object is named with a run id and removed, even on failure.
/// </summary>
[Trait("Category", "Lab")]
[Collection(LabCollection.Name)]
public class LabTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly WaitOptions Boot = WaitOptions.Build with { Timeout = TimeSpan.FromSeconds(240) };

    [Fact]
    public async Task Both_lab_clouds_authenticate_and_only_the_admin_is_admin()
    {
        var logs = new Smog.Tests.OpenStack.CollectingLoggerFactory();
        using var admin = Lab.Connect(Lab.Admin, "auth", logs);
        using var member = Lab.Connect(Lab.Member, "auth", logs);

        var adminToken = await admin.Session.TokenAsync(Ct);
        var memberToken = await member.Session.TokenAsync(Ct);

        Assert.True(adminToken!.IsAdmin);
        Assert.False(memberToken!.IsAdmin);
        Assert.Equal(adminToken.ProjectId, memberToken.ProjectId);
        foreach (var service in new[] { "compute", "placement", "image", "network" })
        {
            Assert.Contains(adminToken.Catalog.Services, s => s.Type == service);
        }
        var nova = await admin.ComputeAsync(Ct);
        Assert.True(nova.Microversion >= new Microversion(2, 79), $"negotiated {nova.Microversion}");
        _ = await nova.Flavors.ListAsync(includePrivate: true, Ct); // a versioned call, to check the echo
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal)); // e.g. a missing microversion echo

        // Debug logging was on: no password or token in any line.
        var secrets = new[] { admin.Config.Auth.Password!.Reveal(), member.Config.Auth.Password!.Reveal(), adminToken.Value.Reveal(), memberToken.Value.Reveal() };
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Application_credential_and_token_auth_work_from_OS_variables()
    {
        var run = Lab.NewRunId();
        using var member = Lab.Connect(Lab.Member, "appcred_token_auth");
        var memberToken = (await member.Session.TokenAsync(Ct))!;
        var identity = await member.IdentityAsync(Ct);
        await using var cleanup = new Cleanup();

        // Given an application credential the member created for this run
        var (credential, secret) = await identity.CreateApplicationCredentialAsync(memberToken.UserId!, run, "smog integration", Ct);
        cleanup.Add("application credential", () => identity.DeleteApplicationCredentialAsync(memberToken.UserId!, credential.Id, CancellationToken.None));

        // When a shell with only OS_* variables uses it (OS_PROJECT_NAME is stale and must be dropped)
        using var viaCredential = Lab.ConnectFromVariables(new Dictionary<string, string>
        {
            ["OS_AUTH_TYPE"] = "v3applicationcredential",
            ["OS_AUTH_URL"] = member.Config.Auth.AuthUrl!,
            ["OS_APPLICATION_CREDENTIAL_ID"] = credential.Id,
            ["OS_APPLICATION_CREDENTIAL_SECRET"] = secret.Reveal(),
            ["OS_PROJECT_NAME"] = "smog",
        }, "appcred_token_auth");
        var credentialToken = (await viaCredential.Session.TokenAsync(Ct))!;

        // Then Keystone scopes it to the credential's project, and Nova answers it
        Assert.Equal(memberToken.ProjectId, credentialToken.ProjectId);
        Assert.Contains(viaCredential.Config.Warnings, w => w.Contains("OS_PROJECT_NAME", StringComparison.Ordinal));
        _ = await (await viaCredential.ComputeAsync(Ct)).Flavors.ListAsync(false, Ct);

        // And a bare OS_TOKEN (no auth type) is token auth
        using var viaToken = Lab.ConnectFromVariables(new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = member.Config.Auth.AuthUrl!,
            ["OS_TOKEN"] = memberToken.Value.Reveal(),
            ["OS_PROJECT_ID"] = memberToken.ProjectId!,
        }, "appcred_token_auth");
        Assert.Equal(Smog.OpenStack.Config.AuthType.Token, viaToken.Config.AuthType);
        Assert.Equal(memberToken.UserId, (await viaToken.Session.TokenAsync(Ct))!.UserId);

        await identity.DeleteApplicationCredentialAsync(memberToken.UserId!, credential.Id, Ct);
        // Keystone (22) answers a deleted credential with 404, not 401.
        var gone = await Assert.ThrowsAsync<OpenStackNotFoundException>(() => Lab.ConnectFromVariables(new Dictionary<string, string>
        {
            ["OS_AUTH_TYPE"] = "v3applicationcredential",
            ["OS_AUTH_URL"] = member.Config.Auth.AuthUrl!,
            ["OS_APPLICATION_CREDENTIAL_ID"] = credential.Id,
            ["OS_APPLICATION_CREDENTIAL_SECRET"] = secret.Reveal(),
        }, "appcred_token_auth").Session.TokenAsync(Ct));
        Assert.StartsWith("Could not find Application Credential", gone.ServiceMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Reveal(), gone.ToString());
    }

    [Fact]
    public async Task A_member_gets_403_naming_the_rule_on_flavor_create()
    {
        var run = Lab.NewRunId();
        using var admin = Lab.Connect(Lab.Admin, "member_forbidden");
        using var member = Lab.Connect(Lab.Member, "member_forbidden");
        var nova = await member.ComputeAsync(Ct);
        await using var cleanup = new Cleanup();
        cleanup.Add("flavor", async () =>
        {
            var adminNova = await admin.ComputeAsync(CancellationToken.None);
            if (await adminNova.Flavors.FindByNameAsync(run, true, CancellationToken.None) is { } f) await adminNova.Flavors.DeleteAsync(f.Id, CancellationToken.None);
        });

        var error = await Assert.ThrowsAsync<OpenStackForbiddenException>(() =>
            nova.Flavors.CreateAsync(new FlavorCreate { Name = run, RamMiB = 64, Vcpus = 1, DiskGiB = 1 }, Ct));

        Assert.Equal(403, error.Status);
        Assert.Equal("os_compute_api:os-flavor-manage:create", error.PolicyRule);
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task Flavor_extra_specs_access_and_aggregate_lifecycle()
    {
        var run = Lab.NewRunId();
        using var admin = Lab.Connect(Lab.Admin, "flavor_aggregate_crud");
        using var member = Lab.Connect(Lab.Member, "flavor_aggregate_crud");
        var nova = await admin.ComputeAsync(Ct);
        var memberProject = (await member.Session.TokenAsync(Ct))!.ProjectId!;
        await using var cleanup = new Cleanup();

        // Flavor with extra specs
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = run, RamMiB = 128, Vcpus = 1, DiskGiB = 1, IsPublic = false, Description = "smog integration" }, Ct);
        cleanup.Add("flavor", () => nova.Flavors.DeleteAsync(flavor.Id, CancellationToken.None));
        var echo = await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:cpu_policy"] = "dedicated", ["hw:mem_page_size"] = "2MB", ["smog:run"] = run }, Ct);
        Assert.Equal("dedicated", echo["hw:cpu_policy"]);
        Assert.Equal("2MB", (await nova.Flavors.ShowExtraSpecAsync(flavor.Id, "hw:mem_page_size", Ct)).Value);
        await nova.Flavors.UnsetExtraSpecAsync(flavor.Id, "hw:mem_page_size", Ct);
        var specs = await nova.Flavors.ListExtraSpecsAsync(flavor.Id, Ct);
        Assert.Equal(["hw:cpu_policy", "smog:run"], specs.Keys.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<OpenStackNotFoundException>(() => nova.Flavors.ShowExtraSpecAsync(flavor.Id, "hw:mem_page_size", Ct));
        var shown = await nova.Flavors.ShowAsync(flavor.Id, Ct);
        Assert.Equal("dedicated", shown.ExtraSpecs!["hw:cpu_policy"]);
        Assert.False(shown.IsPublic);

        // 2.86 validates extra specs
        var invalid = await Assert.ThrowsAsync<OpenStackBadRequestException>(() =>
            nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:cpu_policy"] = "bogus" }, Ct));
        Assert.Equal(400, invalid.Status);
        Assert.Contains("Validation failed", invalid.ServiceMessage, StringComparison.Ordinal);

        // Access for the member's project
        var access = await nova.Flavors.AddAccessAsync(flavor.Id, memberProject, Ct);
        Assert.Contains(access, a => a.TenantId == memberProject);
        Assert.Contains(await nova.Flavors.ListAccessAsync(flavor.Id, Ct), a => a.TenantId == memberProject);
        Assert.DoesNotContain(await nova.Flavors.RemoveAccessAsync(flavor.Id, memberProject, Ct), a => a.TenantId == memberProject);

        // Aggregate with metadata and the lab's one compute host
        var host = (await nova.Services.ListAsync("nova-compute", null, Ct)).First().Host;
        var aggregate = await nova.Aggregates.CreateAsync(run, null, Ct);
        cleanup.Add("aggregate", () => nova.Aggregates.DeleteAsync(aggregate.Id, CancellationToken.None));
        await nova.Aggregates.SetMetadataAsync(aggregate.Id, new Dictionary<string, string?> { ["pinned"] = "true", ["smog-run"] = run }, Ct);
        var withHost = await nova.Aggregates.AddHostAsync(aggregate.Id, host, Ct);
        cleanup.Add("aggregate host", () => nova.Aggregates.RemoveHostAsync(aggregate.Id, host, CancellationToken.None));
        Assert.Equal([host], withHost.Hosts);
        await Assert.ThrowsAsync<OpenStackConflictException>(() => nova.Aggregates.AddHostAsync(aggregate.Id, host, Ct));
        var trimmed = await nova.Aggregates.SetMetadataAsync(aggregate.Id, new Dictionary<string, string?> { ["smog-run"] = null }, Ct);
        Assert.Equal(new Dictionary<string, string> { ["pinned"] = "true" }, trimmed.Metadata);
        await nova.Aggregates.RemoveHostAsync(aggregate.Id, host, Ct);
        Assert.Empty((await nova.Aggregates.ShowAsync(aggregate.Id, Ct)).Hosts!);
        await nova.Aggregates.DeleteAsync(aggregate.Id, Ct);
        Assert.DoesNotContain(await nova.Aggregates.ListAsync(Ct), a => a.Id == aggregate.Id);
        await nova.Flavors.DeleteAsync(flavor.Id, Ct);
        await Assert.ThrowsAsync<OpenStackNotFoundException>(() => nova.Flavors.ShowAsync(flavor.Id, Ct));
    }

    [Fact]
    public async Task Hypervisors_and_services_name_the_compute_host()
    {
        using var admin = Lab.Connect(Lab.Admin, "hypervisors_services");
        var nova = await admin.ComputeAsync(Ct);

        // The QEMU host, among the simulated hosts when the lab runs them (lab/allinone up --hosts)
        var all = await nova.Hypervisors.ListAsync(null, withServers: true, Ct);
        var hypervisor = Assert.Single(all, h => h.Service!.Host == Lab.QemuHost());
        var service = Assert.Single(await nova.Services.ListAsync("nova-compute", hypervisor.Service!.Host, Ct));
        var again = await nova.Hypervisors.ShowAsync(hypervisor.Id, withServers: false, Ct);

        Assert.Equal("up", hypervisor.State);
        Assert.Equal("up", service.State);
        Assert.Equal(hypervisor.HypervisorHostname, again.HypervisorHostname);
        Assert.Single(await nova.Hypervisors.ListAsync(hypervisor.HypervisorHostname, withServers: false, Ct));
        Assert.Empty(await nova.Hypervisors.ListAsync("smog-no-such-host", withServers: false, Ct));
    }

    [Fact]
    public async Task A_pinned_huge_page_server_boots_and_nova_libvirt_and_placement_agree()
    {
        var run = Lab.NewRunId();
        using var admin = Lab.Connect(Lab.Admin, "pinned_hugepage_server");
        using var member = Lab.Connect(Lab.Member, "pinned_hugepage_server");
        await Lab.SweepLeftoversAsync(admin, Ct);
        var nova = await admin.ComputeAsync(Ct);
        var memberNova = await member.ComputeAsync(Ct);
        var placement = await admin.PlacementAsync(Ct);
        var image = await (await member.ImagesAsync(Ct)).FindByNameAsync(Lab.Image, Ct) ?? throw new InvalidOperationException($"lab image {Lab.Image} missing");
        await using var cleanup = new Cleanup();

        // Given a dedicated-CPU, 2 MiB page flavor
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = run + "-pinned", RamMiB = 128, Vcpus = 1, DiskGiB = 1 }, Ct);
        cleanup.Add("flavor", () => nova.Flavors.DeleteAsync(flavor.Id, CancellationToken.None));
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:cpu_policy"] = "dedicated", ["hw:mem_page_size"] = "2MB" }, Ct);
        await Lab.KeepOnQemuHostAsync(nova, flavor.Id, run, cleanup, Ct);

        // When the member boots it with no network
        var created = await memberNova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody
            {
                Name = run + "-vm",
                FlavorRef = flavor.Id,
                ImageRef = image.Id,
                Networks = ServerNetworks.None,
                Tags = [run],
                Metadata = new() { ["smog-run"] = run },
            },
        }, Ct);
        cleanup.Add("server", () => DeleteServerAsync(admin, nova, created.Id));
        var server = await member.ServerWaiter(memberNova).WaitForStatusAsync(created.Id, "ACTIVE", Boot, Ct);

        // Then the member sees no host details, the admin does
        Assert.Null(server.Host);
        var asAdmin = await nova.Servers.ShowAsync(created.Id, Ct);
        Assert.False(string.IsNullOrEmpty(asAdmin.Host));
        Assert.StartsWith("instance-", asAdmin.InstanceName, StringComparison.Ordinal);
        Assert.Equal("dedicated", asAdmin.Flavor!.ExtraSpecs!["hw:cpu_policy"]);
        Assert.Contains(await memberNova.Servers.ListAsync(new ServerQuery { Tags = [run] }, Ct), s => s.Id == created.Id);

        // Nova's topology view: one pinned cell with 2 MiB pages
        var topology = await nova.Servers.TopologyAsync(created.Id, Ct);
        var cell = Assert.Single(topology.Nodes);
        Assert.Equal(2048, topology.PageSizeKiB);
        Assert.Single(cell.CpuPinning!);

        // libvirt: the domain Nova wrote pins the vCPU and backs memory with huge pages
        var xml = XDocument.Parse(await Lab.VirshDumpXmlAsync(asAdmin.InstanceName!, Ct));
        var pin = Assert.Single(xml.Descendants("vcpupin"));
        Assert.Equal(cell.CpuPinning![0].ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)pin.Attribute("cpuset"));
        Assert.Equal("2048", (string?)Assert.Single(xml.Descendants("hugepages").Elements("page")).Attribute("size"));

        // Placement: the server holds one PCPU on the compute node's provider
        var provider = Assert.Single(await placement.ListProvidersAsync(asAdmin.HypervisorHostname, Ct));
        var allocations = await placement.ConsumerAllocationsAsync(created.Id, Ct);
        Assert.Equal(1, allocations.Total("PCPU"));
        Assert.Equal(0, allocations.Total("VCPU"));
        Assert.Contains(provider.Uuid, allocations.ByProvider.Keys);
        Assert.Contains(created.Id, (await placement.ProviderAllocationsAsync(provider.Uuid, Ct)).ByConsumer.Keys);
        Assert.True((await placement.InventoriesAsync(provider.Uuid, Ct)).ByResourceClass["PCPU"].Capacity >= 1);

        // And after deletion the server and its allocations are gone. Nova may show DELETED for
        // a moment (the waiter's "done") before 404, and frees the allocation just after.
        await DeleteServerAsync(admin, nova, created.Id);
        Assert.True(await Lab.EventuallyAsync(async () => (await placement.ConsumerAllocationsAsync(created.Id, Ct)).ByProvider.Count == 0,
            TimeSpan.FromSeconds(30), Ct), "the deleted server still holds allocations after 30 s");
    }

    [Fact]
    public async Task A_two_node_guest_on_the_one_cell_host_ends_in_NoValidHost()
    {
        var run = Lab.NewRunId();
        using var admin = Lab.Connect(Lab.Admin, "numa2_novalidhost");
        var nova = await admin.ComputeAsync(Ct);
        var image = await (await admin.ImagesAsync(Ct)).FindByNameAsync(Lab.Image, Ct) ?? throw new InvalidOperationException($"lab image {Lab.Image} missing");
        await using var cleanup = new Cleanup();

        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = run + "-numa2", RamMiB = 128, Vcpus = 2, DiskGiB = 1 }, Ct);
        cleanup.Add("flavor", () => nova.Flavors.DeleteAsync(flavor.Id, CancellationToken.None));
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:numa_nodes"] = "2" }, Ct);
        await Lab.KeepOnQemuHostAsync(nova, flavor.Id, run, cleanup, Ct);
        var created = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = run + "-vm", FlavorRef = flavor.Id, ImageRef = image.Id, Networks = ServerNetworks.None, Tags = [run] },
        }, Ct);
        cleanup.Add("server", () => DeleteServerAsync(admin, nova, created.Id));

        var error = await Assert.ThrowsAsync<ServerFaultedException>(() => admin.ServerWaiter(nova).WaitForStatusAsync(created.Id, "ACTIVE", Boot, Ct));

        Assert.Equal("ERROR", error.Server.Status);
        Assert.StartsWith("No valid host was found", error.Fault!.Message, StringComparison.Ordinal);
        await DeleteServerAsync(admin, nova, created.Id);
    }

    [Fact]
    public async Task An_image_is_created_uploaded_found_by_name_and_deleted()
    {
        var run = Lab.NewRunId();
        using var member = Lab.Connect(Lab.Member, "image_upload");
        var images = await member.ImagesAsync(Ct);
        await using var cleanup = new Cleanup();

        var image = await images.CreateAsync(new ImageCreate(run + "-img", "raw") { Properties = new Dictionary<string, string> { ["hw_numa_nodes"] = "1" }, Tags = [run] }, Ct);
        cleanup.Add("image", () => images.DeleteAsync(image.Id, CancellationToken.None));
        Assert.Equal("queued", image.Status);
        await images.UploadAsync(image.Id, new byte[64 * 1024], Ct);
        var active = await images.WaitForActiveAsync(image.Id, WaitOptions.ImageUpload with { Timeout = TimeSpan.FromSeconds(60) }, Ct);

        Assert.Equal(64 * 1024, active.Size);
        Assert.Equal("1", active.Property("hw_numa_nodes"));
        Assert.Equal(image.Id, (await images.FindByNameAsync(run + "-img", Ct))!.Id);
        await images.DeleteAsync(image.Id, Ct);
        await Assert.ThrowsAsync<OpenStackNotFoundException>(() => images.ShowAsync(image.Id, Ct));
    }

    [Fact]
    public async Task A_direct_vnic_port_is_created_and_deleted()
    {
        var run = Lab.NewRunId();
        using var admin = Lab.Connect(Lab.Admin, "neutron_port");
        var neutron = await admin.NetworkAsync(Ct);
        await using var cleanup = new Cleanup();

        // The lab's ML2 has no tenant network types: an admin flat network on its own physnet.
        var network = await neutron.CreateNetworkAsync(new NetworkCreate(run + "-net") { NetworkType = "flat", PhysicalNetwork = run }, Ct);
        cleanup.Add("network", () => neutron.DeleteNetworkAsync(network.Id, CancellationToken.None));
        var port = await neutron.CreatePortAsync(new PortCreate { NetworkId = network.Id, Name = run + "-vf", VnicType = "direct" }, Ct);
        cleanup.Add("port", () => neutron.DeletePortAsync(port.Id, CancellationToken.None));

        Assert.Equal("direct", port.VnicType);
        Assert.Equal("flat", network.NetworkType);
        Assert.Equal("direct", (await neutron.ShowPortAsync(port.Id, Ct)).VnicType);
        Assert.Contains(await neutron.ListNetworksAsync(run + "-net", Ct), n => n.Id == network.Id);
        await neutron.DeletePortAsync(port.Id, Ct);
        await Assert.ThrowsAsync<OpenStackNotFoundException>(() => neutron.ShowPortAsync(port.Id, Ct));
    }

    /// <summary>Delete, wait for the waiter's "done" (404 or DELETED), then for the 404 itself.</summary>
    private static async Task DeleteServerAsync(OpenStackCloud cloud, NovaClient nova, string id)
    {
        await nova.Servers.DeleteAsync(id, CancellationToken.None);
        await cloud.ServerWaiter(nova).WaitForDeletionAsync(id, WaitOptions.Delete, CancellationToken.None);
        var gone = await Lab.EventuallyAsync(async () =>
        {
            try
            {
                await nova.Servers.ShowAsync(id, CancellationToken.None);
                return false;
            }
            catch (OpenStackNotFoundException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(gone, $"server {id} still answers 30 s after its deletion finished");
    }
}

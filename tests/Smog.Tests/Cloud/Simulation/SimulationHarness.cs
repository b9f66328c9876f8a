using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Verification;
using Smog.Nova;

namespace Smog.Tests.Cloud.Simulation;

/// <summary>A simulation of the default lab on a fake clock, with helpers to boot, settle and verify.</summary>
internal sealed class SimulationHarness
{
    public SimulationHarness(string? defect = null, LabDefinition? lab = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        Cloud = new CloudSimulation(lab ?? LabReader.Default(), new SimulationOptions { Time = Time, BuildTime = TimeSpan.FromSeconds(1), Defect = defect });
    }

    public FakeTimeProvider Time { get; }
    public CloudSimulation Cloud { get; }
    private int _flavors;

    public FlavorRecord Flavor(int vcpus, long ramMiB, params (string Key, string Value)[] specs)
    {
        var flavor = Cloud.CreateFlavor(new FlavorSpec($"f{++_flavors}", vcpus, ramMiB, 1));
        return specs.Length == 0 ? flavor : Cloud.SetExtraSpecs(flavor.Id, specs.ToDictionary(s => s.Key, s => s.Value));
    }

    public BootRequest Request(FlavorRecord flavor, string? name = null) => new()
    {
        Name = name ?? $"vm-{Cloud.Servers().Length + 1}",
        FlavorId = flavor.Id,
        ProjectId = "project-1",
        UserId = "user-1",
        ImageId = "image-1",
    };

    /// <summary>Boots and lets the build time pass; returns the settled server.</summary>
    public ServerRecord Boot(FlavorRecord flavor, Func<BootRequest, BootRequest>? edit = null)
    {
        var request = Request(flavor);
        var building = Cloud.Boot(edit is null ? request : edit(request));
        Assert.Equal("BUILD", building.Status);
        return Settle(building.Id);
    }

    /// <summary>Advances the clock past the build time and waits for the transition.</summary>
    public ServerRecord Settle(string id)
    {
        var settled = Cloud.WhenSettled(id);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(settled.Wait(TimeSpan.FromSeconds(10)), "the transition did not complete");
        return settled.Result;
    }

    /// <summary>The verifier's findings on the server's domain, against its host and its neighbours' domains.</summary>
    public ImmutableArray<Finding> Verify(ServerRecord server, Flavor? asked = null)
    {
        var hypervisor = Cloud.Hypervisor(server.Host!)!;
        var others = Cloud.Servers().Where(o => o.Host == server.Host && o.Id != server.Id && o.DomainXml is not null)
            .Select(o => Facts(o.DomainXml!)).ToImmutableArray();
        return DomainVerifier.Verify(new VerificationInput
        {
            Host = hypervisor.Topology,
            Config = hypervisor.Conf,
            Flavor = asked ?? server.Flavor.ToEngine(),
            Image = new ImageProperties(server.ImageProperties),
            Domain = Facts(server.DomainXml!),
            Others = others,
        });
    }

    public static DomainFacts Facts(string xml)
    {
        var facts = DomainFactsReader.Parse(xml, "dumpxml");
        Assert.True(facts.Success, facts.Success ? "" : facts.Errors[0].ToString());
        return facts.Value;
    }

    public static string Describe(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Severity} {f.Rule}: {f.Message}"));
}

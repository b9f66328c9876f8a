using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Smog.Cli.Commands.Run;
using Smog.Cli.Rendering;
using Smog.Cloud.Api.Hosting;
using Smog.Hosts;
using Smog.Nova.Config;
using Smog.OpenStack;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env check</c>: the preflight. Discovers the cloud exactly as <c>smog run</c> does
/// (<see cref="CloudDiscovery"/>, the same capabilities and <see cref="ScenarioSelector.Decide"/>),
/// reports each compute host, and says which scenarios can run and, for the rest, the
/// <c>smog env</c> command that would fix it. With no cloud named it checks the embedded cloud,
/// as <c>smog run</c> would test it. Exit 0 when every scenario can run, 1 when some cannot.
/// </summary>
internal sealed class CheckCommand(IAnsiConsole console) : AsyncCommand<CheckCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--os-cloud <NAME>")]
        [Description("Cloud to check (clouds.yaml, admin; default $OS_CLOUD; none: the embedded cloud, as smog run)")]
        public string? OsCloud { get; init; }

        [CommandOption("--inventory <FILE>")]
        [Description("Host inventory for host access (default: $SMOG_INVENTORY; none: no host access)")]
        public string? Inventory { get; init; }

        [CommandOption("-o|--output <FORMAT>")]
        [Description("table (default) or json")]
        [DefaultValue(OutputFormat.Table)]
        public string Output { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate() => OutputFormat.Validate(Output);
    }

    /// <summary>One host's preflight facts, as shown.</summary>
    private sealed record HostReport(DiscoveredHost Host, string Nested);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var inventoryPath = settings.Inventory ?? (Environment.GetEnvironmentVariable("SMOG_INVENTORY") is { Length: > 0 } fromEnv ? fromEnv : null);
        var inventory = inventoryPath is null ? null : EnvHosts.Inventory(inventoryPath);
        var machine = ConfigEnvironment.FromMachine();
        var cloudName = settings.OsCloud ?? machine.Get("OS_CLOUD");
        var toEmbedded = cloudName is null && machine.Get("OS_AUTH_URL") is null;
        await using var embedded = toEmbedded ? await RunCommand.StartEmbeddedAsync(null, cancellationToken) : null;
        if (embedded is { } started)
        {
            machine = machine with { Variables = machine.Variables.SetItem("OS_CLIENT_CONFIG_FILE", started.Files.CloudsYaml).SetItem("OS_CLIENT_SECURE_FILE", started.Files.SecureYaml) };
            cloudName = CloudFiles.AdminCloud;
            inventory ??= EnvHosts.Inventory(started.Files.Inventory);
        }
        CloudConfig config;
        try
        {
            config = new CloudConfigResolver(machine).Resolve(cloudName is null ? CloudSelection.None : CloudSelection.Named(cloudName));
        }
        catch (ConfigException e)
        {
            throw new InputException(e.Message);
        }
        using var cloud = new OpenStackCloud(config);
        await using var access = new HostAccessPool(inventory);
        CloudState state;
        try
        {
            state = await CloudDiscovery.DiscoverAsync(await cloud.ComputeAsync(cancellationToken), await cloud.PlacementAsync(cancellationToken), access, cancellationToken);
        }
        catch (Exception e) when (e is OpenStackApiException or OpenStackClientException or OpenStackResponseException or HttpRequestException)
        {
            throw new InputException($"cannot use cloud {config.Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        var hosts = new List<HostReport>();
        foreach (var host in state.Hosts) hosts.Add(new HostReport(host, await NestedAsync(host, access, cancellationToken)));
        var fixHost = state.UpHosts.FirstOrDefault(h => h.HostAccess)?.Name ?? state.UpHosts.FirstOrDefault()?.Name ?? "HOST";
        var verdicts = Catalogue.All.Select(s => (Scenario: s, Skip: ScenarioSelector.Decide(s.Needs, state))).ToList();
        var target = embedded is null ? config.Name : $"the embedded cloud (default lab) at {embedded.Cloud.BaseUrl}";

        if (settings.Output == OutputFormat.Json) WriteJson(target, hosts, verdicts, fixHost);
        else WriteTables(target, hosts, verdicts, fixHost);
        return verdicts.All(v => v.Skip is null) ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    /// <summary>Nested virtualisation as the kvm module's parameter says (Y or 1: on).</summary>
    /// <summary>
    /// The NUMA-relevant filters of the host's nova.conf. enabled_filters is a scheduler option: a compute
    /// node's file often leaves it unset, and then the scheduler's own config decides, not Zed's default.
    /// </summary>
    private static string FiltersLine(NovaConf? conf) =>
        conf is null ? "unknown"
        : conf.EnabledFilters is null ? "not set in this host's nova.conf (the scheduler's config decides)"
        : string.Join(", ", conf.Filters.Where(f => f is "NUMATopologyFilter" or "AggregateInstanceExtraSpecsFilter" or "PciPassthroughFilter")) is { Length: > 0 } f
            ? f + " (this host's nova.conf)"
            : "no NUMA, aggregate or PCI filter in this host's nova.conf";

    private static async Task<string> NestedAsync(DiscoveredHost host, HostAccessPool access, CancellationToken ct)
    {
        if (host.Access is not { } entry || !host.HostAccess) return "unknown (no host access)";
        try
        {
            var runner = await access.RunnerAsync(entry, ct);
            foreach (var module in new[] { "kvm_intel", "kvm_amd" })
            {
                if (await runner.ReadFileAsync($"/sys/module/{module}/parameters/nested", ct) is { } value)
                    return value.Trim() is "Y" or "1" ? $"yes ({module})" : $"no ({module} nested={value.Trim()})";
            }
            return "no (kvm_intel/kvm_amd not loaded)";
        }
        catch (HostAccessException e)
        {
            return $"unknown ({e.Message})";
        }
    }

    private static IEnumerable<(string Key, string Value)> Facts(HostReport report)
    {
        var h = report.Host;
        var t = h.Topology;
        yield return ("state", h.Up ? "up" : "down or disabled");
        yield return ("virt type", h.Conf?.VirtType ?? "unknown (nova.conf not read)");
        yield return ("nested", report.Nested);
        yield return ("NUMA nodes", t is null ? "unknown (no topology)" : t.Cells.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("SMT", t is null ? "unknown" : t.HasSmt ? $"yes ({t.ThreadsPerCore} threads a core)" : "no");
        yield return ("dedicated set", h.Conf is null ? "unknown" : h.Conf.CpuDedicatedSet?.ToString() ?? "unset");
        yield return ("shared set", h.Conf is null ? "unknown" : h.Conf.CpuSharedSet?.ToString() ?? "unset");
        yield return ("PCPU / VCPU", $"{h.Capacity("PCPU")?.Total.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} / {h.Capacity("VCPU")?.Total.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} (placement)");
        yield return ("huge pages", t is null ? "unknown" : PerNode(t.Cells.Select(c => (c.Id, string.Join("+", c.Pages.Where(p => p.SizeKiB > 4 && p.Total > 0).Select(p => $"{p.Total}x{PageSize(p.SizeKiB)}"))))));
        yield return ("PCI devices", t is null ? "unknown" : PerNode(t.Cells.Select(c => (c.Id, t.PciDevicesOnCell(c.Id).Count() is var n && n > 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""))));
        yield return ("filters", FiltersLine(h.Conf));
        yield return ("aggregates", h.Aggregates.IsEmpty ? "none" : string.Join(", ", h.Aggregates));
        foreach (var note in h.Notes) yield return ("note", note);
    }

    private static string PerNode(IEnumerable<(int Node, string Text)> nodes)
    {
        var shown = nodes.Where(n => n.Text.Length > 0).Select(n => $"node {n.Node}: {n.Text}").ToList();
        return shown.Count == 0 ? "none" : string.Join("; ", shown);
    }

    private static string PageSize(long kib) => kib >= 1024 * 1024 ? $"{kib / 1024 / 1024}G" : $"{kib / 1024}M";

    private void WriteTables(string target, List<HostReport> hosts, List<(Scenario Scenario, Smog.Suite.Results.SkipReason? Skip)> verdicts, string fixHost)
    {
        console.WriteLine($"preflight of {target}");
        foreach (var report in hosts)
        {
            var table = new FittedTable(new Column("fact"), new Column("value") { MinWidth = 24 }) { Title = $"compute host {report.Host.Name}", ShowHeaders = false };
            foreach (var (key, value) in Facts(report)) table.AddRow(key, value);
            table.Write(console);
        }
        var runnable = verdicts.Count(v => v.Skip is null);
        console.WriteLine($"{runnable} of {verdicts.Count} scenarios can run");
        if (runnable == verdicts.Count) return;
        var skipped = new FittedTable(new Column("scenario"), new Column("why not") { MinWidth = 20, Priority = 1 }, new Column("fix") { MinWidth = 24 });
        foreach (var (scenario, skip) in verdicts.Where(v => v.Skip is not null))
            skipped.AddRow(scenario.Id, skip!.Message, FixCommands.For(skip, fixHost));
        skipped.Write(console);
    }

    private void WriteJson(string target, List<HostReport> hosts, List<(Scenario Scenario, Smog.Suite.Results.SkipReason? Skip)> verdicts, string fixHost)
    {
        var json = new JsonObject
        {
            ["target"] = target,
            ["hosts"] = new JsonArray([.. hosts.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Host.Name,
                ["up"] = r.Host.Up,
                ["virt_type"] = r.Host.Conf?.VirtType,
                ["nested"] = r.Nested,
                ["numa_nodes"] = r.Host.Topology?.Cells.Length,
                ["smt"] = r.Host.Topology?.HasSmt,
                ["cpu_dedicated_set"] = r.Host.Conf?.CpuDedicatedSet?.ToString(),
                ["cpu_shared_set"] = r.Host.Conf?.CpuSharedSet?.ToString(),
                ["huge_pages"] = r.Host.Topology is { } t ? new JsonArray([.. t.Cells.SelectMany(c => c.Pages.Where(p => p.SizeKiB > 4).Select(p => (JsonNode)new JsonObject { ["node"] = c.Id, ["size_kb"] = p.SizeKiB, ["total"] = p.Total, ["free"] = p.Free }))]) : null,
                ["pci_devices"] = r.Host.Topology is { } u ? new JsonObject([.. u.Cells.Select(c => KeyValuePair.Create(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)u.PciDevicesOnCell(c.Id).Count()))]) : null,
                ["enabled_filters"] = r.Host.Conf is { } conf ? new JsonArray([.. conf.Filters.Select(f => (JsonNode)f)]) : null,
                ["aggregates"] = new JsonArray([.. r.Host.Aggregates.Select(a => (JsonNode)a)]),
                ["capabilities"] = new JsonArray([.. r.Host.Capabilities.Select(c => (JsonNode)c)]),
                ["notes"] = new JsonArray([.. r.Host.Notes.Select(n => (JsonNode)n)]),
            })]),
            ["scenarios"] = new JsonArray([.. verdicts.Select(v => (JsonNode)new JsonObject
            {
                ["id"] = v.Scenario.Id,
                ["can_run"] = v.Skip is null,
                ["skip_code"] = v.Skip?.Code,
                ["why_not"] = v.Skip?.Message,
                ["fix"] = v.Skip is { } s ? FixCommands.For(s, fixHost) : null,
            })]),
        };
        console.Profile.Out.Writer.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

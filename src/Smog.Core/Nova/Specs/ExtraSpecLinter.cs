using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;
using Smog.Nova.Python;

namespace Smog.Nova.Specs;

public enum LintSeverity { Error, Warning, Info }

/// <summary>
/// One linter finding: the extra spec (or image property) concerned, how bad it is, a stable
/// rule name and a one-line message.
/// </summary>
public sealed record LintFinding(string Key, LintSeverity Severity, string Rule, string Message)
{
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Key}: {Message} [{Rule}]";
}

/// <summary>
/// Checks a flavor's extra specs (and optionally an image's properties) against what Nova 26
/// accepts and does: the extra-specs API (microversion ≥ 2.86), server create
/// (<c>numa_get_constraints</c>, CPU topology, PCI policy) and the keys Nova silently ignores.
/// </summary>
/// <remarks>
/// Errors: the API or server create refuses (or the build fails). Warnings: accepted but without
/// the intended effect. Info: worth knowing (for example unscoped keys that
/// AggregateInstanceExtraSpecsFilter matches against aggregate metadata).
/// </remarks>
public static partial class ExtraSpecLinter
{
    [GeneratedRegex(@"^hw:(numa_cpus|numa_mem)\.([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PerNodeKey();

    private static readonly FrozenSet<string> NoSuchKeys = FrozenSet.Create(StringComparer.Ordinal,
        "hw:numa_policy", "hw:numa_mempolicy", "hw_numa_policy", "hw_numa_mempolicy");

    private static readonly FrozenSet<string> FlavorOnlyImageKeys = FrozenSet.Create(StringComparer.Ordinal,
        "hw_emulator_threads_policy", "hw_cpu_realtime", "hw_cpu_dedicated_mask");

    // The hw_* Glance properties Nova 26's ImageMetaProps knows (per-node lists by prefix).
    private static readonly FrozenSet<string> KnownImageProperties = FrozenSet.Create(StringComparer.Ordinal,
        "hw_architecture", "hw_auto_disk_config", "hw_boot_menu", "hw_cdrom_bus", "hw_cpu_cores", "hw_cpu_max_cores",
        "hw_cpu_max_sockets", "hw_cpu_max_threads", "hw_cpu_policy", "hw_cpu_realtime_mask", "hw_cpu_sockets",
        "hw_cpu_thread_policy", "hw_cpu_threads", "hw_device_id", "hw_disk_bus", "hw_disk_type", "hw_emulation_architecture",
        "hw_ephemeral_encryption", "hw_ephemeral_encryption_format", "hw_firmware_type", "hw_floppy_bus", "hw_input_bus",
        "hw_ipxe_boot", "hw_locked_memory", "hw_machine_type", "hw_mem_encryption", "hw_mem_page_size", "hw_numa_nodes",
        "hw_pci_numa_affinity_policy", "hw_pmu", "hw_pointer_model", "hw_qemu_guest_agent", "hw_rescue_bus", "hw_rescue_device",
        "hw_rng_model", "hw_scsi_model", "hw_serial_port_count", "hw_time_hpet", "hw_tpm_model", "hw_tpm_version",
        "hw_video_model", "hw_video_ram", "hw_vif_model", "hw_vif_multiqueue_enabled", "hw_viommu_model", "hw_vm_mode",
        "hw_watchdog_action");

    public static ImmutableArray<LintFinding> Lint(Flavor flavor, ImageProperties? image = null)
    {
        image ??= ImageProperties.None;
        var findings = new List<LintFinding>();
        foreach (var (key, value) in flavor.ExtraSpecs) findings.AddRange(LintFlavorKey(flavor, key, value));
        foreach (var (key, _) in image.Values) findings.AddRange(LintImageKey(key));
        findings.AddRange(LintPerNodeGaps(flavor));
        findings.AddRange(LintHyperthreadingKeys(flavor));
        // A key already reported as an error is not reported again for the refusal it causes at create.
        var erroneous = findings.Where(f => f.Severity == LintSeverity.Error).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        findings.AddRange(LintServerCreate(flavor, image).Where(f => !(f.Severity == LintSeverity.Error && erroneous.Contains(f.Key))));
        return [.. findings];
    }

    private static IEnumerable<LintFinding> LintFlavorKey(Flavor flavor, string key, string value)
    {
        if (NoSuchKeys.Contains(key))
        {
            yield return new(key, LintSeverity.Error, "no-such-key",
                "Nova 26 has no such key; memory mode is always strict (the extra-specs API rejects it from microversion 2.86, older microversions store it without effect)");
            yield break;
        }
        if (key.StartsWith("hw:cpu_max_", StringComparison.Ordinal))
        {
            yield return new(key, LintSeverity.Warning, "max-cpu-quirk",
                $"Nova reads this name, but the extra-specs API rejects it from microversion {ExtraSpecApiValidator.FirstValidatingMicroversion} (its validator knows hw:max_cpu_{key["hw:cpu_max_".Length..]} instead); set it with an older microversion");
            yield break;
        }
        if (key.StartsWith("hw:max_cpu_", StringComparison.Ordinal))
            yield return new(key, LintSeverity.Warning, "max-cpu-quirk",
                $"accepted by the extra-specs API but without effect: Nova's CPU topology code reads hw:cpu_max_{key["hw:max_cpu_".Length..]}");
        if (ExtraSpecApiValidator.Validate(key, value) is { } apiError)
            yield return new(key, LintSeverity.Error, "api-rejects",
                $"the extra-specs API (microversion ≥ {ExtraSpecApiValidator.FirstValidatingMicroversion}) rejects it: {apiError}{Suggestion(key)}");
        else if (key == "hw:mem_page_size" && PageSizeSyntax.Parse(value) is null)
            yield return new(key, LintSeverity.Error, "page-size-boot-invalid",
                $"'{value}' passes the extra-specs API pattern but server create fails with MemoryPageSizeInvalid; write a unit with B, e.g. 2MB or 1GB, or a KiB number");
        if (!key.StartsWith("hw:", StringComparison.Ordinal) && key.StartsWith("hw:", StringComparison.OrdinalIgnoreCase))
            yield return new(key, LintSeverity.Warning, "namespace-case",
                "namespaces are case-sensitive: Nova ignores this key (did you mean the hw: namespace?)");
        if (key == "hw:cpu_realtime_mask" && !PythonSyntax.LenientBool(flavor.Spec("hw:cpu_realtime")))
            yield return new(key, LintSeverity.Warning, "ignored",
                "ignored: hw:cpu_realtime is not enabled");
        if (!key.Contains(':') && ExtraSpecCatalogue.Find(key) is null)
            yield return new(key, LintSeverity.Info, "aggregate-filter",
                "unscoped keys are matched against host aggregate metadata by AggregateInstanceExtraSpecsFilter (when enabled); hosts without it are filtered out");
    }

    private static IEnumerable<LintFinding> LintImageKey(string key)
    {
        if (NoSuchKeys.Contains(key))
            yield return new(key, LintSeverity.Warning, "no-such-key", "Nova 26 has no such key; memory mode is always strict");
        else if (FlavorOnlyImageKeys.Contains(key))
            yield return new(key, LintSeverity.Warning, "flavor-only",
                $"Nova reads this only from the flavor (hw:{key[3..]}); the image property is ignored");
        else if (key.StartsWith("hw_", StringComparison.Ordinal) && !KnownImageProperties.Contains(key)
                 && !key.StartsWith("hw_numa_cpus.", StringComparison.Ordinal) && !key.StartsWith("hw_numa_mem.", StringComparison.Ordinal))
            yield return new(key, LintSeverity.Info, "unknown-image-property", "not an image property Nova 26 knows; ignored");
    }

    // hw:numa_cpus.N / hw:numa_mem.N are read from N=0 up to the first missing N.
    private static IEnumerable<LintFinding> LintPerNodeGaps(Flavor flavor)
    {
        foreach (var group in flavor.ExtraSpecs.Keys.Select(k => PerNodeKey().Match(k)).Where(m => m.Success)
                     .GroupBy(m => m.Groups[1].Value))
        {
            var indexes = group.Select(m => int.TryParse(m.Groups[2].Value, out var n) ? n : int.MaxValue).Order().ToList();
            var readUpTo = 0;
            while (indexes.Contains(readUpTo)) readUpTo++;
            foreach (var index in indexes.Where(i => i > readUpTo))
                yield return new($"hw:{group.Key}.{index}", LintSeverity.Warning, "ignored",
                    $"ignored: Nova stops reading hw:{group.Key}.N at the missing index {readUpTo}");
        }
    }

    // A registered plain name at most two edits away, for typos such as hw:cpu_polcy.
    private static string Suggestion(string key)
    {
        if (ExtraSpecCatalogue.Find(key) is not null) return "";
        var best = ExtraSpecCatalogue.All.Where(d => !d.Name.Contains('{'))
            .Select(d => (d.Name, Distance: EditDistance(key, d.Name))).MinBy(x => x.Distance);
        return best.Distance is > 0 and <= 2 ? $" (did you mean {best.Name}?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    // Nova uses the first trait[N]:HW_CPU_HYPERTHREADING in extra-spec insertion order.
    private static IEnumerable<LintFinding> LintHyperthreadingKeys(Flavor flavor)
    {
        var keys = flavor.ExtraSpecs.Where(kv => ResourceRules.IsHyperthreadingKey(kv.Key)).ToList();
        if (keys.Select(kv => kv.Value).Distinct(StringComparer.Ordinal).Count() > 1)
            yield return new(string.Join(", ", keys.Select(kv => kv.Key)), LintSeverity.Warning, "ambiguous",
                "several HW_CPU_HYPERTHREADING trait specs with different values: Nova uses whichever was stored first, so the effective thread policy depends on the order they were set");
    }

    private static IEnumerable<LintFinding> LintServerCreate(Flavor flavor, ImageProperties image)
    {
        var constraints = NumaConstraints.Get(flavor, image);
        if (constraints.Error is { } error)
            yield return ServerCreateFails(error, flavor, image);
        else
            foreach (var f in LintEffects(flavor, image, constraints.Constraints!)) yield return f;

        var topology = CpuTopologyChooser.Best(flavor, image);
        if (topology.Error is { } topologyError && topologyError.ExceptionClass != constraints.Error?.ExceptionClass)
            yield return topologyError.ExceptionClass == "ImageVCPULimitsRangeImpossible"
                ? new(KeyFor(topologyError.ExceptionClass, flavor), LintSeverity.Error, topologyError.ExceptionClass,
                    $"the API accepts the server, but the build fails on every compute node and ends in ERROR: {topologyError.Message}")
                : ServerCreateFails(topologyError, flavor, image);

        if (PciNumaAffinity.Get(flavor, image).Error is { } pciError)
            yield return ServerCreateFails(pciError, flavor, image);
    }

    private static IEnumerable<LintFinding> LintEffects(Flavor flavor, ImageProperties image, ResolvedConstraints resolved)
    {
        if (resolved.Topology is null && flavor.ExtraSpecs.Keys.Any(k => PerNodeKey().IsMatch(k)))
            yield return new("hw:numa_cpus.N", LintSeverity.Warning, "ignored",
                "ignored: hw:numa_cpus.N / hw:numa_mem.N take effect only with hw:numa_nodes, a page size or a dedicated/mixed CPU policy");
        if (flavor.Spec("hw:cpu_thread_policy") == "prefer" && image.Get("hw_cpu_thread_policy") is { } imageThread && imageThread != "prefer")
            yield return new("hw_cpu_thread_policy", LintSeverity.Warning, "ignored",
                $"ignored: the flavor's hw:cpu_thread_policy=prefer wins over the image's {imageThread}");
        if (flavor.Spec("hw:cpu_policy") == "dedicated" && image.Get("hw_cpu_policy") is { } imagePolicy && imagePolicy != "dedicated")
            yield return new("hw_cpu_policy", LintSeverity.Warning, "ignored",
                $"ignored: the flavor's hw:cpu_policy=dedicated wins over the image's {imagePolicy}");
    }

    /// <summary>The error finding for a refusal at server create, keyed by the extra spec or image property it is about.</summary>
    public static LintFinding ServerCreateFails(NovaError error, Flavor flavor, ImageProperties image) =>
        new(KeyNamedIn(error.Message, flavor, image) ?? KeyFor(error.ExceptionClass, flavor), LintSeverity.Error, error.ExceptionClass,
            $"server create fails (HTTP {HttpStatus(error.ExceptionClass)}, {error.ExceptionClass}): {error.Message}");

    // Syntax refusals (Invalid, ValueError) start their message with the key they are about.
    private static string? KeyNamedIn(string message, Flavor flavor, ImageProperties image) =>
        flavor.ExtraSpecs.Keys.Concat(image.Values.Keys)
            .FirstOrDefault(k => message.StartsWith(k + ":", StringComparison.Ordinal) || message.StartsWith($"image property {k}:", StringComparison.Ordinal));

    // The key a refusal is about, for the findings table; Nova's exception names the rule, not the key.
    private static string KeyFor(string exceptionClass, Flavor flavor) => exceptionClass switch
    {
        "InvalidCPUAllocationPolicy" or "ImageCPUPinningForbidden" or "RequiredMixedOrRealtimeCPUMask" => "hw:cpu_policy",
        "InvalidCPUThreadAllocationPolicy" or "ImageCPUThreadPolicyForbidden" or "CPUThreadPolicyConfigurationInvalid" => "hw:cpu_thread_policy",
        "InvalidEmulatorThreadsPolicy" or "BadRequirementEmulatorThreadsPolicy" => "hw:emulator_threads_policy",
        "RealtimeMaskNotFoundOrInvalid" => "hw:cpu_realtime_mask",
        "RealtimeConfigurationInvalid" => "hw:cpu_realtime",
        "InvalidMixedInstanceDedicatedMask" or "RequiredMixedInstancePolicy" => "hw:cpu_dedicated_mask",
        "InvalidRequest" => flavor.ExtraSpecs.Keys.FirstOrDefault(k => k.StartsWith("resources", StringComparison.Ordinal) || k.StartsWith("trait", StringComparison.Ordinal)) ?? "hw:cpu_*",
        "InvalidNUMANodesNumber" or "ImageNUMATopologyForbidden" or "ImageNUMATopologyAsymmetric" => "hw:numa_nodes",
        "MemoryPageSizeInvalid" or "MemoryPageSizeForbidden" => "hw:mem_page_size",
        "LockMemoryForbidden" or "FlavorImageLockedMemoryConflict" => "hw:locked_memory",
        "ImagePCINUMAPolicyForbidden" or "InvalidPCINUMAAffinity" => "hw:pci_numa_affinity_policy",
        "ImageVCPULimitsRangeExceeded" or "ImageVCPULimitsRangeImpossible" => "hw:cpu_max_*",
        "ImageVCPUTopologyRangeExceeded" => "hw_cpu_*",
        "ValueError" when flavor.ExtraSpecs.Keys.Any(k => k.StartsWith("hw:numa_mem.", StringComparison.Ordinal)) => "hw:numa_mem.N",
        _ when exceptionClass.StartsWith("ImageNUMATopology", StringComparison.Ordinal) => "hw:numa_cpus.N",
        _ => "(flavor/image)",
    };

    // servers.py turns the flavor/image exceptions it lists into 400; the two Forbidden classes it does
    // not list keep their 403, and the locked-memory conflict (a plain NovaException) surfaces as 500.
    private static int HttpStatus(string exceptionClass) => exceptionClass switch
    {
        "LockMemoryForbidden" or "ImagePCINUMAPolicyForbidden" => 403,
        "FlavorImageLockedMemoryConflict" => 500,
        _ => 400,
    };
}

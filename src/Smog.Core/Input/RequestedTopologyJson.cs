using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>Reads the oracle's <c>requested_topology</c> (numa_get_constraints' result) into a <see cref="RequestedTopology"/>.</summary>
internal static class RequestedTopologyJson
{
    public static RequestedTopology? Parse(JsonElement e, string path = "requested_topology")
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        var cells = Array(Req(e, "cells", path), $"{path}.cells").Select(c => new RequestedCell
        {
            Id = Int(Req(c.Item, "id", c.Path), $"{c.Path}.id"),
            Cpus = Opt(c.Item, "cpus") is { } cp ? Cpus(cp, $"{c.Path}.cpus") : Topology.CpuSet.Empty,
            Pcpus = Opt(c.Item, "pcpus") is { } pp ? Cpus(pp, $"{c.Path}.pcpus") : Topology.CpuSet.Empty,
            MemoryMiB = Long(Req(c.Item, "memory_mb", c.Path), $"{c.Path}.memory_mb"),
            PageSize = Opt(c.Item, "pagesize_kb") is { } ps ? PageSizeRequest.FromNova(Long(ps, $"{c.Path}.pagesize_kb")) : null,
            CpuPolicy = Opt(c.Item, "cpu_policy") is { } pol ? Named(NovaNames.CpuPolicy, Str(pol, $"{c.Path}.cpu_policy"), $"{c.Path}.cpu_policy") : null,
            ThreadPolicy = Opt(c.Item, "cpu_thread_policy") is { } tp ? Named(NovaNames.ThreadPolicy, Str(tp, $"{c.Path}.cpu_thread_policy"), $"{c.Path}.cpu_thread_policy") : null,
        }).ToImmutableArray();
        var emulator = Opt(e, "emulator_threads_policy") is { } em
            ? Named(NovaNames.EmulatorPolicy, Str(em, $"{path}.emulator_threads_policy"), $"{path}.emulator_threads_policy")
            : (EmulatorThreadsPolicy?)null;
        return new RequestedTopology(cells, emulator);
    }

    private static T Named<T>(IReadOnlyDictionary<string, T> names, string value, string path) where T : struct, Enum =>
        names.TryGetValue(value, out var v) ? v
        : throw new JsonFieldException($"{path} must be {string.Join(", ", names.Keys)}, found \"{value}\"");
}

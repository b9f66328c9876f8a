using System.Collections.Immutable;
using System.Text.Json;
using static Smog.Nova.Cases.CaseJson;

namespace Smog.Nova.Cases;

/// <summary>Reads the oracle's <c>requested_topology</c> (numa_get_constraints' result) into a <see cref="RequestedTopology"/>.</summary>
public static class RequestedTopologyJson
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
            CpuPolicy = Opt(c.Item, "cpu_policy") is { } pol ? NovaNames.ParseCpuPolicy(Str(pol, $"{c.Path}.cpu_policy"), $"{c.Path}.cpu_policy") : null,
            ThreadPolicy = Opt(c.Item, "cpu_thread_policy") is { } tp ? NovaNames.ParseThreadPolicy(Str(tp, $"{c.Path}.cpu_thread_policy"), $"{c.Path}.cpu_thread_policy") : null,
        }).ToImmutableArray();
        var emulator = Opt(e, "emulator_threads_policy") is { } em
            ? NovaNames.ParseEmulatorPolicy(Str(em, $"{path}.emulator_threads_policy"), $"{path}.emulator_threads_policy")
            : (EmulatorThreadsPolicy?)null;
        return new RequestedTopology(cells, emulator);
    }
}

/// <summary>Nova's field values for the policy enums, both ways.</summary>
public static class NovaNames
{
    public static string Of(CpuPolicy p) => p switch { CpuPolicy.Dedicated => "dedicated", CpuPolicy.Mixed => "mixed", _ => "shared" };
    public static string Of(CpuThreadPolicy p) => p switch { CpuThreadPolicy.Isolate => "isolate", CpuThreadPolicy.Require => "require", _ => "prefer" };
    public static string Of(EmulatorThreadsPolicy p) => p == EmulatorThreadsPolicy.Isolate ? "isolate" : "share";

    public static CpuPolicy ParseCpuPolicy(string s, string path) => s switch
    {
        "shared" => CpuPolicy.Shared,
        "dedicated" => CpuPolicy.Dedicated,
        "mixed" => CpuPolicy.Mixed,
        _ => throw new CaseFormatException($"{path} must be shared, dedicated or mixed, found \"{s}\""),
    };

    public static CpuThreadPolicy ParseThreadPolicy(string s, string path) => s switch
    {
        "prefer" => CpuThreadPolicy.Prefer,
        "isolate" => CpuThreadPolicy.Isolate,
        "require" => CpuThreadPolicy.Require,
        _ => throw new CaseFormatException($"{path} must be prefer, isolate or require, found \"{s}\""),
    };

    public static EmulatorThreadsPolicy ParseEmulatorPolicy(string s, string path) => s switch
    {
        "share" => EmulatorThreadsPolicy.Share,
        "isolate" => EmulatorThreadsPolicy.Isolate,
        _ => throw new CaseFormatException($"{path} must be share or isolate, found \"{s}\""),
    };
}

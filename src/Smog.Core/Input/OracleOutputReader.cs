using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;
using Smog.Topology;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>
/// Reads the direct oracle's output fields back (shared/oracle/README.md, "Direct oracle:
/// output"): <c>requested_topology</c>, <c>constraints_error</c>, <c>cpu_topology</c> and
/// <c>cpu_topology_error</c>, for conformance runs of the fitter alone.
/// </summary>
public static class OracleOutputReader
{
    private static readonly string[] RecordedKeys = ["requested_topology", "cpu_topology", "constraints_error"];

    /// <summary>
    /// The recorded resolution: the oracle's topology, refusal and CPU topology replace the
    /// engine's; what the oracle does not print (realtime set, locked memory …) stays the engine's.
    /// </summary>
    public static Parsed<Resolution> RecordedResolution(JsonElement recorded, Resolution engine, string source, int? line = null) =>
        Guard(source, line, () =>
        {
            // Anything else (an array, a boot-oracle record) would silently fall back to the engine's own constraints.
            if (recorded.ValueKind != JsonValueKind.Object || !RecordedKeys.Any(k => recorded.TryGetProperty(k, out _)))
                throw new JsonFieldException($"expected the direct oracle's output for the case (requested_topology, cpu_topology, constraints_error), found {(recorded.ValueKind == JsonValueKind.Object ? "none of them" : Describe(recorded))}");
            var error = Opt(recorded, "constraints_error") is { } ce ? Error(Str(ce, "constraints_error")) : null;
            var topology = error is null && Opt(recorded, "requested_topology") is { } rt ? RequestedTopologyJson.Parse(rt) : null;
            var cpu = Opt(recorded, "cpu_topology") is { } ct
                ? new GuestCpuTopology(Int(Req(ct, "sockets", "cpu_topology"), "cpu_topology.sockets"),
                    Int(Req(ct, "cores", "cpu_topology"), "cpu_topology.cores"), Int(Req(ct, "threads", "cpu_topology"), "cpu_topology.threads"))
                : null;
            var cpuError = Opt(recorded, "cpu_topology_error") is { } cte ? Error(Str(cte, "cpu_topology_error")) : null;
            var constraints = error is not null ? ConstraintsResult.Refused(error)
                : ConstraintsResult.Resolved((engine.Resolved ?? new ResolvedConstraints()) with { Topology = topology });
            return Parsed<Resolution>.Ok(new Resolution(constraints, engine.CpuTopology with { Chosen = cpu, Error = cpuError }));
        });

    /// <summary>"ExceptionClass: message" back into a <see cref="NovaError"/>.</summary>
    public static NovaError Error(string text)
    {
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? new NovaError(text, "") : new NovaError(text[..colon], text[(colon + 2)..]);
    }
}

using Smog.Topology;

namespace Smog.Cloud.Lab;

/// <summary>
/// Reads a lab YAML (schema: Lab/README.md) into a <see cref="LabDefinition"/>: topology shorthand
/// expanded, <c>topology.file</c> read through the discover JSON reader, each <c>nova_conf</c> through the
/// one nova.conf reader; every fault as <c>file:line: field: message</c>.
/// </summary>
public static class LabReader
{
    /// <summary>Reads <paramref name="yaml"/>; <paramref name="source"/> names it in messages and anchors relative <c>topology.file</c> paths.</summary>
    public static Parsed<LabDefinition> Parse(string yaml, string source) => throw new NotImplementedException();

    /// <summary>The default lab shipped inside Smog.Cloud.</summary>
    public static LabDefinition Default() => throw new NotImplementedException();
}

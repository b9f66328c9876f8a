using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;
using Smog.Topology;

namespace Smog.Libvirt.FakeNuma;

/// <summary>The host CPU as <c>virsh capabilities</c> names it: model, vendor and feature names.</summary>
public sealed record HostCpuModel(string Model, string? Vendor, ImmutableArray<string> Features)
{
    /// <summary>Reads <c>/capabilities/host/cpu</c>; a document without a CPU model is an error.</summary>
    public static Parsed<HostCpuModel> FromCapabilities(string xml, string source)
    {
        XElement root;
        try
        {
            root = XElement.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return Parsed<HostCpuModel>.Fail(new ParseError(source, e.LineNumber, "well-formed XML", e.Message));
        }
        var cpu = root.Name == "capabilities" ? root.Element("host")?.Element("cpu") : null;
        var model = cpu?.Element("model")?.Value.Trim();
        if (string.IsNullOrEmpty(model))
            return Parsed<HostCpuModel>.Fail(new ParseError(source, null, "a CPU model at /capabilities/host/cpu/model (virsh capabilities output)"));
        return Parsed<HostCpuModel>.Ok(new HostCpuModel(model, cpu!.Element("vendor")?.Value.Trim(),
            [.. cpu.Elements("feature").Select(f => f.Attribute("name")?.Value).OfType<string>()]));
    }
}

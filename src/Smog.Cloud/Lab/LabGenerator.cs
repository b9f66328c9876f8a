namespace Smog.Cloud.Lab;

/// <summary>
/// Writes a lab YAML of any size for scale measurements (<c>smog bench cloud</c>): the default lab's
/// hosts (default-lab.yml, as <see cref="LabReader"/> reads it) repeated in order with its controller,
/// each written out in full so that reading it costs what a hand-written lab of that size costs.
/// Host i is named <c>compute-i</c>; the first ones are the default lab's hosts.
/// </summary>
public static class LabGenerator
{
    private static readonly Lazy<LabDefinition> Template = new(LabReader.Default);

    /// <summary>A lab of <paramref name="hosts"/> hosts.</summary>
    public static string Yaml(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        var template = Template.Value;
        var kinds = template.Hosts;
        return LabWriter.Yaml(template with
        {
            Source = "generated",
            Hosts = [.. Enumerable.Range(0, hosts).Select(i => kinds[i % kinds.Length] with { Name = $"compute-{i}" })],
        });
    }
}

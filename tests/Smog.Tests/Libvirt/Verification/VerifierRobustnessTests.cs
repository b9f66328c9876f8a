using CsCheck;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Syntax;
using Smog.Libvirt.Verification;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>Whatever a broken document looks like, the verifier answers with findings, never an exception.</summary>
public class VerifierRobustnessTests
{
    [Fact]
    public void Removing_any_elements_or_attributes_never_makes_the_verifier_throw()
    {
        var scenarios = VerificationScenario.All();
        var gen = from index in Gen.Int[0, scenarios.Count - 1]
                  from cuts in Gen.Int[0, 1000].Array[1, 4]
                  select (scenarios[index], cuts);
        // A parse error is a fine answer too, but only parsed documents (~1,550 of 2,000) reach the verifier.
        Property.Check(gen, t =>
        {
            var (scenario, cuts) = t;
            var xml = DomainWriter.Write(scenario.Domain);
            foreach (var cut in cuts)
            {
                var nodes = xml.Descendants().Cast<object>().Concat(xml.Descendants().SelectMany(e => e.Attributes())).ToList();
                if (nodes.Count == 0) break;
                switch (nodes[cut % nodes.Count])
                {
                    case System.Xml.Linq.XElement e: e.Remove(); break;
                    case System.Xml.Linq.XAttribute a: a.Remove(); break;
                }
            }
            var facts = DomainFactsReader.Parse(xml.ToString());
            if (!facts.Success) return null;
            _ = DomainVerifier.Verify(scenario.Template with { Domain = facts.Value });
            return true;
        }, minimum: 1000, iter: 2000);
    }
}

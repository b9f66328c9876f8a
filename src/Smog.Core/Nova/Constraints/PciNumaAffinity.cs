using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.Constraints;

/// <summary>
/// Mirrors <c>get_pci_numa_policy_constraint</c>: flavor and image may not disagree
/// (<c>ImagePCINUMAPolicyForbidden</c>); an unknown value is <c>InvalidPCINUMAAffinity</c>.
/// Nova checks it at server create next to <c>numa_get_constraints</c>, not inside it.
/// A null policy means none was requested; Nova then applies the alias/port policy or <c>legacy</c>.
/// </summary>
public static class PciNumaAffinity
{
    public static (PciNumaAffinityPolicy? Policy, NovaError? Error) Get(Flavor flavor, ImageProperties image)
    {
        var fromFlavor = flavor.Spec("hw:pci_numa_affinity_policy");
        var fromImage = image.Get("hw_pci_numa_affinity_policy");
        if (PythonSyntax.Truthy(fromFlavor) && PythonSyntax.Truthy(fromImage) && fromFlavor != fromImage)
            return (null, new NovaError("ImagePCINUMAPolicyForbidden",
                $"Image property hw_pci_numa_affinity_policy={fromImage} may not override the flavor's hw:pci_numa_affinity_policy={fromFlavor}"));
        var value = PythonSyntax.Truthy(fromFlavor) ? fromFlavor : fromImage;
        if (!PythonSyntax.Truthy(value)) return (null, null);
        PciNumaAffinityPolicy? policy = value switch
        {
            "required" => PciNumaAffinityPolicy.Required,
            "legacy" => PciNumaAffinityPolicy.Legacy,
            "preferred" => PciNumaAffinityPolicy.Preferred,
            "socket" => PciNumaAffinityPolicy.Socket,
            _ => null,
        };
        return policy is null
            ? (null, new NovaError("InvalidPCINUMAAffinity", $"Invalid PCI NUMA affinity policy '{value}'; valid values are required, legacy, preferred, socket"))
            : (policy, null);
    }
}

using System.Globalization;
using Smog.Nova;

namespace Smog.Libvirt.Expectations;

/// <summary>
/// Nova 26's <c>get_best_cpu_topology</c> as spec §5 describes it: limits, preferred values,
/// candidates sorted by sockets×cores then sockets then threads (descending), stable re-order
/// by how many preferred values a candidate matches. NUMA does not influence the choice.
/// </summary>
public static class CpuTopologyChooser
{
    private const int Unlimited = 65536;

    public static CpuTopologyOutcome Choose(Flavor flavor, ImageProperties image)
    {
        // 1. Limits: image max may not exceed flavor max; effective = image, else flavor, else unlimited.
        int F(string key) => Int(flavor.Spec(key));
        int I(string key) => Int(image.Get(key));
        var (fs, fc, ft) = (F("hw:cpu_max_sockets"), F("hw:cpu_max_cores"), F("hw:cpu_max_threads"));
        var (ims, imc, imt) = (I("hw_cpu_max_sockets"), I("hw_cpu_max_cores"), I("hw_cpu_max_threads"));
        if ((fs > 0 && ims > fs) || (fc > 0 && imc > fc) || (ft > 0 && imt > ft))
            return Fail("ImageVCPULimitsRangeExceeded", "image topology limits exceed the flavor's", flavor.Vcpus);
        var max = new GuestCpuTopology(Eff(ims, fs), Eff(imc, fc), Eff(imt, ft));

        // 2. Preferred values: flavor triple (zeroed if any exceeds max), replaced by the image triple if it sets any.
        var preferred = (S: F("hw:cpu_sockets"), C: F("hw:cpu_cores"), T: F("hw:cpu_threads"));
        if (preferred.S > max.Sockets || preferred.C > max.Cores || preferred.T > max.Threads) preferred = (0, 0, 0);
        var imagePreferred = (S: I("hw_cpu_sockets"), C: I("hw_cpu_cores"), T: I("hw_cpu_threads"));
        if (imagePreferred != (0, 0, 0))
        {
            if (imagePreferred.S > max.Sockets || imagePreferred.C > max.Cores || imagePreferred.T > max.Threads)
                return Fail("ImageVCPUTopologyRangeExceeded", "image topology exceeds the limits", flavor.Vcpus);
            preferred = imagePreferred;
        }

        // 3. Candidates, most sockets×cores first, then most sockets, then most threads.
        var v = flavor.Vcpus;
        var candidates = (
            from s in Enumerable.Range(1, Math.Min(v, max.Sockets))
            from c in Enumerable.Range(1, Math.Min(v, max.Cores))
            from t in Enumerable.Range(1, Math.Min(v, max.Threads))
            where s * c * t == v
            select new GuestCpuTopology(s, c, t))
            .OrderByDescending(x => x.Sockets * x.Cores).ThenByDescending(x => x.Sockets).ThenByDescending(x => x.Threads)
            .ToList();
        if (candidates.Count == 0)
            return new CpuTopologyOutcome(null, max, new NovaError("ImageVCPULimitsRangeImpossible", $"no topology of {v} vCPUs within the limits"));

        // 4. Stable re-order by the number of matching preferred values (3, 2, 1, 0).
        int Score(GuestCpuTopology x) =>
            (preferred.S > 0 && x.Sockets == preferred.S ? 1 : 0) + (preferred.C > 0 && x.Cores == preferred.C ? 1 : 0)
            + (preferred.T > 0 && x.Threads == preferred.T ? 1 : 0);
        return new CpuTopologyOutcome(candidates.OrderByDescending(Score).First(), max);
    }

    private static CpuTopologyOutcome Fail(string cls, string message, int vcpus) =>
        new(null, new GuestCpuTopology(vcpus, vcpus, vcpus), new NovaError(cls, message));

    private static int Eff(int image, int flavor) => image > 0 ? image : flavor > 0 ? flavor : Unlimited;

    private static int Int(string? s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
}

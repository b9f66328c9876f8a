using System.Diagnostics;

namespace Smog.Tests.Libvirt;

/// <summary>libvirt's own RNG schema check (<c>virt-xml-validate FILE domain</c>, Debian libvirt-clients + libxml2-utils).</summary>
internal static class LibvirtSchema
{
    private const string Validator = "/usr/bin/virt-xml-validate";

    public static bool Available => File.Exists(Validator) && File.Exists("/usr/bin/xmllint");

    public const string Missing = "virt-xml-validate or xmllint missing (apt-get install libvirt-clients libxml2-utils)";

    /// <summary>Validates a domain document; returns the validator's output when it fails, null when valid.</summary>
    public static string? ValidateDomain(string xml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"smog-schema-{Guid.NewGuid():N}.xml");
        try
        {
            File.WriteAllText(path, xml);
            var info = new ProcessStartInfo(Validator) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(path);
            info.ArgumentList.Add("domain");
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit(60_000);
            return process.ExitCode == 0 ? null : output;
        }
        finally
        {
            File.Delete(path);
        }
    }
}

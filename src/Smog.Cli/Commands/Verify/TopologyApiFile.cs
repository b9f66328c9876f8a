using Smog.Cli.Input;
using Smog.Libvirt.Verification;

namespace Smog.Cli.Commands.Verify;

/// <summary><c>verify --topology-api FILE</c>: the server's GET /servers/{id}/topology answer.</summary>
internal static class TopologyApiFile
{
    public static ServerTopology Read(string path)
    {
        var parsed = ServerTopology.Parse(InputFiles.Text(path), path);
        return parsed.Success ? parsed.Value : throw new InputException(parsed.Errors[0].ToString());
    }
}

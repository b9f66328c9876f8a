namespace Smog.OpenStack.Config;

/// <summary>A configuration file that was found and parsed.</summary>
internal sealed record LoadedFile(string Path, ConfigMap Root);

/// <summary>
/// The openstacksdk search path (openstack-client.md §1.1): per family, the first file that exists is the only
/// one read. Directories in order, each with .yaml, .yml, .json; the OS_CLIENT_*_FILE variable
/// is tried first.
/// </summary>
internal static class ConfigFileLocator
{
    private static readonly string[] Suffixes = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<string> Directories(ConfigEnvironment env)
    {
        var home = env.HomeDirectory;
        var userConfig = Path.Combine(env.Get("SNAP_REAL_HOME") ?? home, ".config", "openstack");
        var xdgConfig = env.Get("XDG_CONFIG_HOME") is { } x ? Path.Combine(x, "openstack") : Path.Combine(home, ".config", "openstack");
        var xdgDirs = env.Get("XDG_CONFIG_DIRS")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "/etc/xdg";
        return new[] { env.CurrentDirectory, xdgConfig, userConfig, Path.Combine(xdgDirs, "openstack"), "/etc/openstack" }
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public static IReadOnlyList<string> Candidates(ConfigEnvironment env, string family, string? overrideVariable)
    {
        var list = new List<string>();
        if (overrideVariable is not null && env.Get(overrideVariable) is { } explicitFile) list.Add(explicitFile);
        foreach (var dir in Directories(env))
        {
            list.AddRange(Suffixes.Select(s => Path.Combine(dir, family + s)));
        }
        return list;
    }

    public static LoadedFile? FindFirst(ConfigEnvironment env, string family, string? overrideVariable)
    {
        foreach (var path in Candidates(env, family, overrideVariable))
        {
            if (env.Files.TryReadAllText(path) is { } text) return new LoadedFile(path, ConfigYaml.Load(text, path));
        }
        return null;
    }
}

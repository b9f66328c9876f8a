namespace Smog.OpenStack.Config;

/// <summary>
/// Missing, malformed or contradictory cloud configuration. The message is one line naming the
/// file (or OS_* variable) and key at fault; it never contains a secret value.
/// </summary>
public sealed class ConfigException(string message) : Exception(message)
{
    internal static ConfigException Syntax(string path, int line, string what) =>
        new($"{path}:{line}: {what}");

    internal static ConfigException NotYaml(string path) =>
        new($"{path}: not valid YAML (the parser stopped without saying where)");

    internal static ConfigException NotAMap(string where, string key) =>
        new($"{where}: '{key}' must be a mapping");

    internal static ConfigException NotAScalar(string where, string key) =>
        new($"{where}: '{key}' must be a single value");

    internal static ConfigException CloudNotFound(string name, string? file, IEnumerable<string> known) =>
        new(file is null
            ? $"Cloud {name} was not found: no clouds.yaml in the search path and no OS_* variables"
            : $"Cloud {name} was not found in {file} (clouds: {Names(known)})");

    internal static ConfigException NoCloud(IEnumerable<string> searched) =>
        new($"no cloud configured: no clouds.yaml found (searched {string.Join(", ", searched)}) and no OS_AUTH_URL etc. set");

    internal static ConfigException SeveralClouds(string file, IEnumerable<string> known) =>
        new($"several clouds in {file} ({Names(known)}); choose one with --os-cloud/OS_CLOUD");

    internal static ConfigException EnvCloudClash(string name, string file) =>
        new($"{file}: cloud '{name}' has the name of the cloud built from OS_* variables; rename it or set OS_CLOUD_NAME");

    internal static ConfigException UnknownRegion(string where, string region, IEnumerable<string> known) =>
        new($"{where}: region '{region}' is not one of the cloud's regions ({Names(known)})");

    internal static ConfigException Missing(string where, string key, string hint) =>
        new($"{where}: {key} is missing ({hint})");

    internal static ConfigException Invalid(string where, string key, string value, string expected) =>
        new($"{where}: {key} '{value}' is not valid; expected {expected}");

    internal static ConfigException Contradiction(string where, string what) =>
        new($"{where}: {what}");

    internal static ConfigException Unsupported(string where, string what) =>
        new($"{where}: {what} is not supported by Smog");

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));
}

using System.Collections;
using System.Collections.Immutable;

namespace Smog.OpenStack.Config;

/// <summary>Reads configuration files; injectable so tests never touch the machine.</summary>
public interface IConfigFileSystem
{
    /// <summary>The file's text, or null if it does not exist or cannot be read (EACCES is skipped, as openstacksdk does).</summary>
    string? TryReadAllText(string path);
}

/// <summary>The real file system.</summary>
public sealed class PhysicalConfigFileSystem : IConfigFileSystem
{
    public static readonly PhysicalConfigFileSystem Instance = new();

    public string? TryReadAllText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}

/// <summary>Everything configuration resolution reads from the machine: variables, directories, files.</summary>
public sealed record ConfigEnvironment(
    ImmutableDictionary<string, string> Variables,
    string CurrentDirectory,
    string HomeDirectory,
    IConfigFileSystem Files)
{
    public static ConfigEnvironment FromMachine()
    {
        var vars = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v) vars[k] = v;
        }
        return new ConfigEnvironment(
            vars.ToImmutable(),
            Directory.GetCurrentDirectory(),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            PhysicalConfigFileSystem.Instance);
    }

    public string? Get(string name) =>
        Variables.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}

using System.Reflection;

namespace Smog.Cli;

/// <summary>What <c>smog --version</c> prints: smog's version and the Nova release its engine models.</summary>
internal static class SmogVersion
{
    /// <summary>The Nova release every prediction and check follows (the reference oracle's python3-nova).</summary>
    public const string NovaRelease = "26.2.2 \"Zed\"";

    public static string Number =>
        typeof(SmogVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    public static string Text => $"smog {Number} (models OpenStack Nova {NovaRelease})";
}

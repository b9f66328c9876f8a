using System.Reflection;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>
/// Catches an option given without its value (<c>plan --case</c>). Under strict parsing Spectre
/// 0.57 retries a failed parse with the token <c>__default_command</c> inserted, which then binds
/// as the missing value; this turns that back into the usage error it is.
/// </summary>
internal sealed class MissingValueGuard : ICommandInterceptor
{
    private const string Placeholder = "__default_command";

    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (context.Arguments.Contains(Placeholder)) return;
        foreach (var property in settings.GetType().GetProperties())
        {
            var value = property.GetValue(settings);
            if (value is string s && s == Placeholder || value is string[] list && list.Contains(Placeholder))
                throw new InputException($"{OptionName(property)} needs a value");
        }
    }

    private static string OptionName(PropertyInfo property) =>
        property.GetCustomAttribute<CommandOptionAttribute>()?.LongNames.FirstOrDefault() is { } name ? $"--{name}" : property.Name;
}

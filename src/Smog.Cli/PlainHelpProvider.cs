using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Smog.Cli;

/// <summary>
/// Spectre's help, with every description taken as plain text and the exit codes under
/// <c>smog --help</c>. Spectre renders descriptions as markup, so "nova.conf [compute]" would
/// crash <c>--help</c>; escaping here, once, covers every verb present and future.
/// </summary>
internal sealed class PlainHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    internal const string ExitCodeText = """

        EXIT CODES:
            0     success, also a plan whose case does not fit (the output says so)
            1     a failed check: verify or lint found an error
            2     bad input or usage (one stderr line names the file or option)
            70    a bug in smog (one stderr line; SMOG_DEBUG=1 adds the stack trace)
        """;

    public override IEnumerable<IRenderable> Write(ICommandModel model, ICommandInfo? command)
    {
        var plain = new PlainModel(model);
        return base.Write(plain, command is null ? null : plain.Wrap(command));
    }

    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command) =>
        command is null ? [new Text(ExitCodeText + "\n")] : [];

    /// <summary>The model with escaped descriptions; one wrapper per command, so identity checks in Spectre hold.</summary>
    private sealed class PlainModel(ICommandModel inner) : ICommandModel
    {
        private readonly Dictionary<ICommandInfo, PlainCommand> _wrapped = new(ReferenceEqualityComparer.Instance);

        public string ApplicationName => inner.ApplicationName;
        public string? ApplicationVersion => inner.ApplicationVersion;
        public IReadOnlyList<string[]> Examples => inner.Examples;
        public IReadOnlyList<ICommandInfo> Commands => [.. inner.Commands.Select(Wrap)];
        public ICommandInfo? DefaultCommand => inner.DefaultCommand is { } d ? Wrap(d) : null;

        public ICommandInfo Wrap(ICommandInfo command)
        {
            if (command is PlainCommand) return command;
            if (!_wrapped.TryGetValue(command, out var plain)) _wrapped[command] = plain = new PlainCommand(command, this);
            return plain;
        }
    }

    private sealed class PlainCommand(ICommandInfo inner, PlainModel model) : ICommandInfo
    {
        public string Name => inner.Name;
        public string? Description => Escape(inner.Description);
        public bool IsBranch => inner.IsBranch;
        public bool IsDefaultCommand => inner.IsDefaultCommand;
        public bool IsHidden => inner.IsHidden;
        public IReadOnlyList<ICommandParameter> Parameters => [.. inner.Parameters.Select(Plain)];
        public ICommandInfo? Parent => inner.Parent is { } p ? model.Wrap(p) : null;
        public IReadOnlyList<string[]> Examples => inner.Examples;
        public IReadOnlyList<ICommandInfo> Commands => [.. inner.Commands.Select(model.Wrap)];
        public ICommandInfo? DefaultCommand => inner.DefaultCommand is { } d ? model.Wrap(d) : null;

        private static ICommandParameter Plain(ICommandParameter p) => p switch
        {
            ICommandOption o => new PlainOption(o),
            ICommandArgument a => new PlainArgument(a),
            _ => p,
        };
    }

    private sealed class PlainOption(ICommandOption inner) : ICommandOption
    {
        public IReadOnlyList<string> LongNames => inner.LongNames;
        public IReadOnlyList<string> ShortNames => inner.ShortNames;
        public string? ValueName => inner.ValueName;
        public bool ValueIsOptional => inner.ValueIsOptional;
        public bool IsFlag => inner.IsFlag;
        public bool IsRequired => inner.IsRequired;
        public string? Description => Escape(inner.Description);
        public System.ComponentModel.DefaultValueAttribute? DefaultValue => inner.DefaultValue;
        public bool IsHidden => inner.IsHidden;
    }

    private sealed class PlainArgument(ICommandArgument inner) : ICommandArgument
    {
        public string Value => inner.Value;
        public int Position => inner.Position;
        public bool IsFlag => inner.IsFlag;
        public bool IsRequired => inner.IsRequired;
        public string? Description => Escape(inner.Description);
        public System.ComponentModel.DefaultValueAttribute? DefaultValue => inner.DefaultValue;
        public bool IsHidden => inner.IsHidden;
    }

    private static string? Escape(string? text) => text is null ? null : Markup.Escape(text);
}

using System.Collections.Immutable;

namespace Smog.Topology;

/// <summary>
/// A problem in an input document: which source, which line (1-based, when the format has
/// lines), what was expected and what was found. Renders as one line for the CLI.
/// </summary>
public sealed record ParseError(string Source, int? Line, string Expected, string? Found = null)
{
    /// <summary>True when <see cref="Expected"/> is a plain statement of the fault ("no such file"), not "expected …".</summary>
    public bool IsFault { get; init; }

    /// <summary>A fault that is not a mismatch of shape: renders as "SOURCE[:LINE]: MESSAGE".</summary>
    public static ParseError Fault(string source, int? line, string message) => new(source, line, message) { IsFault = true };

    public override string ToString()
    {
        var where = Line is { } l ? $"{Source}:{l}" : Source;
        if (IsFault) return $"{where}: {Expected.ReplaceLineEndings(" ")}";
        return Found is null ? $"{where}: expected {Expected}" : $"{where}: expected {Expected}, found '{Truncate(Found)}'";
    }

    // One line always: found text may hold newlines (a sysfs file, an XML fragment).
    private static string Truncate(string s)
    {
        var flat = s.ReplaceLineEndings(" ");
        return flat.Length <= 60 ? flat : flat[..57] + "...";
    }
}

/// <summary>
/// The outcome of parsing: a value, or the errors that prevented one. Expected failures
/// (bad input) are values; exceptions are reserved for bugs.
/// </summary>
public sealed class Parsed<T>
{
    private readonly T? _value;

    private Parsed(T? value, ImmutableArray<ParseError> errors) => (_value, Errors) = (value, errors);

    public ImmutableArray<ParseError> Errors { get; }
    public bool Success => Errors.IsEmpty;

    public T Value => Success ? _value! : throw new InvalidOperationException($"parse failed: {Errors[0]}");

    public static Parsed<T> Ok(T value) => new(value, []);
    public static Parsed<T> Fail(ParseError error) => new(default, [error]);
    public static Parsed<T> Fail(IEnumerable<ParseError> errors) => new(default, [.. errors]);

    public Parsed<TOut> Map<TOut>(Func<T, TOut> map) => Success ? Parsed<TOut>.Ok(map(_value!)) : Parsed<TOut>.Fail(Errors);

    /// <summary>Chains a second step that may fail itself.</summary>
    public Parsed<TOut> Bind<TOut>(Func<T, Parsed<TOut>> next) => Success ? next(_value!) : Parsed<TOut>.Fail(Errors);
}

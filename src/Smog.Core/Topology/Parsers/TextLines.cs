namespace Smog.Topology.Parsers;

/// <summary>A line of text input with its 1-based number, for error messages.</summary>
internal readonly record struct TextLine(int Number, string Text);

internal static class TextLines
{
    /// <summary>Splits on \n, dropping a trailing \r; line numbers start at 1.</summary>
    public static IEnumerable<TextLine> Of(string text) =>
        text.Split('\n').Select((line, i) => new TextLine(i + 1, line.TrimEnd('\r')));

    public static bool TryInt(string s, out int value) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);

    public static bool TryLong(string s, out long value) =>
        long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
}

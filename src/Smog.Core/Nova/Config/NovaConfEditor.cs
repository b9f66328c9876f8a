using System.Collections.Immutable;

namespace Smog.Nova.Config;

/// <summary>What one edit asks: set (replace every value), add (one more value), or unset (remove every value).</summary>
public enum ConfEditKind
{
    Set,
    Add,
    Unset,
}

/// <summary>One <c>section.option[=value]</c> edit of a nova.conf.</summary>
public sealed record ConfEdit(ConfEditKind Kind, string Section, string Option, string Value = "")
{
    /// <summary>How messages name the option: <c>[compute] cpu_dedicated_set</c>.</summary>
    public string Name => $"[{Section}] {Option}";

    /// <summary>
    /// Reads <c>section.option=value</c> (or <c>section.option</c> for unset). The section is
    /// everything before the first dot, so option names keep their own characters.
    /// </summary>
    public static ConfEdit Parse(ConfEditKind kind, string text, out string? error)
    {
        error = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = kind == ConfEditKind.Unset ? text : equals < 0 ? "" : text[..equals];
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (kind != ConfEditKind.Unset && equals < 0)
            error = $"expected section.option=value, found '{text}'";
        else if (dot <= 0 || dot == key.Length - 1 || key.Any(c => char.IsWhiteSpace(c) || c is '[' or ']' or '\n' or '\r'))
            error = $"expected section.option{(kind == ConfEditKind.Unset ? "" : "=value")} (e.g. compute.cpu_shared_set{(kind == ConfEditKind.Unset ? "" : "=0-1")}), found '{text}'";
        var value = kind == ConfEditKind.Unset || equals < 0 ? "" : text[(equals + 1)..];
        if (error is null && (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)))
            error = $"{text.Split('\n')[0]}: a value is one line";
        return error is null ? new ConfEdit(kind, key[..dot], key[(dot + 1)..], value.Trim()) : new ConfEdit(kind, "", "");
    }
}

/// <summary>One option whose values an edit changed: before and after (empty = unset).</summary>
public sealed record ConfChange(string Section, string Option, ImmutableArray<string> Before, ImmutableArray<string> After)
{
    public string Name => $"[{Section}] {Option}";
}

/// <summary>The edited text and the options that changed; <see cref="Changed"/> false means the text is the input, byte for byte.</summary>
public sealed record ConfEditResult(string Text, ImmutableArray<ConfChange> Changes)
{
    public bool Changed => !Changes.IsEmpty;
}

/// <summary>
/// Edits nova.conf text the way a careful person would by hand: only the lines of the options
/// it changes move; comments, blank lines, order, other sections, line endings and repeated
/// keys of untouched options stay as they were. Set replaces every value of the option with one
/// line (at its first occurrence); add appends one more line after the last (for oslo.config's
/// multi-valued options such as <c>[pci] device_spec</c> and <c>alias</c>); unset removes every
/// line. A new option goes after the commented sample line of the same name when the section
/// has one (<c>#cpu_shared_set = &lt;None&gt;</c>), else after the section's last option; a new
/// section goes at the end. Continuation lines (indented) belong to the option above them.
/// The dialect is <see cref="NovaConfReader"/>'s: re-reading the result gives the edited values.
/// </summary>
public static class NovaConfEditor
{
    /// <summary>The scheduler's filter list option.</summary>
    public const string FilterSection = "filter_scheduler";
    public const string FilterOption = "enabled_filters";

    public static ConfEditResult Apply(string text, IEnumerable<ConfEdit> edits)
    {
        var doc = IniDocument.Parse(text);
        var changes = new List<ConfChange>();
        foreach (var edit in edits)
        {
            var before = doc.Values(edit.Section, edit.Option);
            doc = edit.Kind switch
            {
                ConfEditKind.Set => doc.Set(edit.Section, edit.Option, edit.Value),
                ConfEditKind.Add => doc.Add(edit.Section, edit.Option, edit.Value),
                _ => doc.Unset(edit.Section, edit.Option),
            };
            var after = doc.Values(edit.Section, edit.Option);
            if (before.SequenceEqual(after)) continue;
            var index = changes.FindIndex(c => c.Section == edit.Section && c.Option == edit.Option);
            if (index < 0) changes.Add(new ConfChange(edit.Section, edit.Option, before, after));
            else changes[index] = changes[index] with { After = after };
        }
        changes.RemoveAll(c => c.Before.SequenceEqual(c.After));
        return changes.Count == 0 ? new ConfEditResult(text, []) : new ConfEditResult(doc.Text, [.. changes]);
    }

    /// <summary>The option's values in file order (empty when unset), continuation lines joined with a newline.</summary>
    public static ImmutableArray<string> Values(string text, string section, string option) =>
        IniDocument.Parse(text).Values(section, option);

    /// <summary>
    /// The edit that enables <paramref name="filter"/>: the current list (Zed's default list when
    /// the option is unset, since setting it replaces the default) with the filter appended once.
    /// Null when it is enabled already.
    /// </summary>
    public static ConfEdit? AddFilter(string text, string filter)
    {
        var current = IniDocument.Parse(text).Values(FilterSection, FilterOption);
        var filters = current.IsEmpty ? NovaConf.DefaultEnabledFilters
            : [.. current[^1].Split(',').Select(f => f.Trim()).Where(f => f.Length > 0)];
        return filters.Contains(filter, StringComparer.Ordinal) ? null
            : new ConfEdit(ConfEditKind.Set, FilterSection, FilterOption, string.Join(",", filters.Append(filter)));
    }

    /// <summary>A nova.conf as its lines; each line keeps its own ending, so joining them gives the text back byte for byte.</summary>
    private sealed record IniDocument(ImmutableList<string> Lines)
    {
        public string Text => string.Concat(Lines);

        public static IniDocument Parse(string text)
        {
            var lines = ImmutableList.CreateBuilder<string>();
            var start = 0;
            while (start < text.Length)
            {
                var newline = text.IndexOf('\n', start);
                var end = newline < 0 ? text.Length : newline + 1;
                lines.Add(text[start..end]);
                start = end;
            }
            return new IniDocument(lines.ToImmutable());
        }

        /// <summary>The values of an option in file order (continuation lines joined with a newline, as the reader does).</summary>
        public ImmutableArray<string> Values(string section, string option) =>
            [.. Options(section, option).Select(o => o.Value)];

        public IniDocument Set(string section, string option, string value)
        {
            var found = Options(section, option).ToList();
            if (found.Count == 0) return Insert(section, option, value);
            if (found.Count == 1 && found[0].Value == value) return this;
            var lines = Lines;
            // Remove the later occurrences from the bottom up so earlier indexes stay valid.
            foreach (var o in Enumerable.Reverse(found.Skip(1))) lines = lines.RemoveRange(o.Line, o.Count);
            var first = found[0];
            lines = lines.RemoveRange(first.Line, first.Count).Insert(first.Line, Format(option, value, Ending(Lines[first.Line + first.Count - 1])));
            return new IniDocument(lines);
        }

        public IniDocument Add(string section, string option, string value)
        {
            var found = Options(section, option).ToList();
            if (found.Count == 0) return Insert(section, option, value);
            var last = found[^1];
            return InsertAt(last.Line + last.Count, Format(option, value, DominantEnding()));
        }

        public IniDocument Unset(string section, string option)
        {
            var lines = Lines;
            foreach (var o in Enumerable.Reverse(Options(section, option).ToList())) lines = lines.RemoveRange(o.Line, o.Count);
            return new IniDocument(lines);
        }

        private IniDocument Insert(string section, string option, string value)
        {
            var blocks = Sections().Where(s => s.Name == section).ToList();
            var eol = DominantEnding();
            if (blocks.Count == 0)
            {
                var lines = Lines;
                // Finish an unterminated last line, and keep a blank line between sections.
                if (lines.Count > 0 && !lines[^1].EndsWith('\n')) lines = lines.SetItem(lines.Count - 1, lines[^1] + eol);
                if (lines.Count > 0 && lines[^1].Trim().Length > 0) lines = lines.Add(eol);
                return new IniDocument(lines.Add($"[{section}]{eol}").Add(Format(option, value, eol)));
            }
            var sample = blocks.SelectMany(b => Enumerable.Range(b.Start + 1, b.End - b.Start - 1))
                .Where(i => IsSampleOf(Lines[i], option)).Select(i => (int?)i).LastOrDefault();
            var block = blocks[^1];
            return InsertAt(sample is { } s ? s + 1 : LastContentLine(block) + 1, Format(option, value, eol));
        }

        /// <summary>Inserts a line before index <paramref name="at"/>, ending the line above first if it was the file's unterminated last line.</summary>
        private IniDocument InsertAt(int at, string line)
        {
            var lines = Lines;
            if (at > 0 && !lines[at - 1].EndsWith('\n')) lines = lines.SetItem(at - 1, lines[at - 1] + DominantEnding());
            return new IniDocument(lines.Insert(at, line));
        }

        /// <summary>The header line's index, and the end (exclusive) of each section block; [DEFAULT] may appear anywhere.</summary>
        private IEnumerable<(string Name, int Start, int End)> Sections()
        {
            string? name = null;
            var start = -1;
            for (var i = 0; i < Lines.Count; i++)
            {
                if (HeaderName(Lines[i]) is not { } header) continue;
                if (name is not null) yield return (name, start, i);
                (name, start) = (header, i);
            }
            if (name is not null) yield return (name, start, Lines.Count);
        }

        /// <summary>Each line of the option in the section: its index, how many lines it spans, its value.</summary>
        private IEnumerable<(int Line, int Count, string Value)> Options(string section, string option)
        {
            foreach (var block in Sections().Where(s => s.Name == section))
            {
                for (var i = block.Start + 1; i < block.End; i++)
                {
                    if (KeyOf(Lines[i]) is not { } key || key.Key != option) continue;
                    var value = key.Value;
                    var count = 1;
                    while (i + count < block.End && IsContinuation(Lines[i + count]))
                    {
                        value += "\n" + Lines[i + count].Trim();
                        count++;
                    }
                    yield return (i, count, value);
                    i += count - 1;
                }
            }
        }

        private int LastContentLine((string Name, int Start, int End) block)
        {
            var last = block.Start;
            for (var i = block.Start + 1; i < block.End; i++)
                if (KeyOf(Lines[i]) is not null || IsContinuation(Lines[i])) last = i;
            return last;
        }

        private static string? HeaderName(string line)
        {
            var t = line.Trim();
            return t.Length >= 3 && t[0] == '[' && t[^1] == ']' ? t[1..^1].Trim() : null;
        }

        // The reader's rule: the key ends at the first '=' or ':'.
        private static (string Key, string Value)? KeyOf(string line)
        {
            if (line.Length == 0 || char.IsWhiteSpace(line[0])) return null;
            var t = line.Trim();
            if (t.Length == 0 || t[0] is '#' or ';' or '[') return null;
            var sep = t.IndexOfAny(['=', ':']);
            return sep <= 0 ? null : (t[..sep].Trim(), t[(sep + 1)..].Trim());
        }

        private static bool IsContinuation(string line) =>
            line.Length > 0 && char.IsWhiteSpace(line[0]) && line.Trim().Length > 0 && line.Trim()[0] is not ('#' or ';');

        // oslo-config-generator writes "#option = <default>" with the default commented out.
        private static bool IsSampleOf(string line, string option)
        {
            var t = line.Trim();
            if (t.Length < 2 || t[0] != '#') return false;
            t = t.TrimStart('#').Trim();
            var sep = t.IndexOf('=', StringComparison.Ordinal);
            return sep > 0 && t[..sep].Trim() == option;
        }

        private static string Format(string option, string value, string eol) => $"{option} = {value}{eol}";

        private static string Ending(string line) =>
            line.EndsWith("\r\n", StringComparison.Ordinal) ? "\r\n" : line.EndsWith('\n') ? "\n" : "";

        private string DominantEnding() => Lines.Count(l => l.EndsWith("\r\n", StringComparison.Ordinal)) * 2 > Lines.Count ? "\r\n" : "\n";
    }
}

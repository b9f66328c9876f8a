using Smog.Hosts.Files;

namespace Smog.Cli;

/// <summary>The verbs' way to read a user's file: <see cref="LocalFiles"/>' one wording per fault, as an <see cref="InputException"/>.</summary>
internal static class InputFiles
{
    public static string ReadText(string path)
    {
        var text = LocalFiles.ReadText(path);
        return text.Success ? text.Value : throw new InputException(text.Errors[0].ToString());
    }

    public static void WriteAtomically(string path, string text)
    {
        if (LocalFiles.WriteAtomically(path, text) is { } error) throw new InputException(error.ToString());
    }
}

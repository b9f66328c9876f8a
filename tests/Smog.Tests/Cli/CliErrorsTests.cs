using Smog.Cli;

namespace Smog.Tests.Cli;

/// <summary>The one mapper from exceptions to exit codes and stderr lines.</summary>
public class CliErrorsTests
{
    [Fact]
    public void An_unexpected_exception_is_an_internal_error_in_one_line()
    {
        var (exit, message) = CliErrors.Map(new InvalidOperationException("Sequence contains no elements\nsecond line"), ["plan"]);

        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Equal("internal error (a bug in smog; SMOG_DEBUG=1 shows where): Sequence contains no elements", message);
    }

    [Fact]
    public void Input_and_check_failures_keep_their_message_and_code()
    {
        Assert.Equal((ExitCodes.BadInput, "f.json: no such file"), CliErrors.Map(new InputException("f.json: no such file"), []));
        Assert.Equal((ExitCodes.CheckFailed, "2 findings"), CliErrors.Map(new CheckFailedException("2 findings"), []));
    }
}

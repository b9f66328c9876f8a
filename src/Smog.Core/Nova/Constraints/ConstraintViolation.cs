namespace Smog.Nova.Constraints;

/// <summary>
/// Raised by the rule helpers of this folder to stop at the first failing rule, in Nova's order;
/// <see cref="NumaConstraints.Get"/> turns it into a <see cref="ConstraintsResult"/> value, so it
/// never leaves the engine.
/// </summary>
internal sealed class ConstraintViolation(string exceptionClass, string message) : Exception(message)
{
    public NovaError Error { get; } = new(exceptionClass, message);

    public static ConstraintViolation Of(NovaError error) => new(error.ExceptionClass, error.Message);
}

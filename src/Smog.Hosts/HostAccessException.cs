namespace Smog.Hosts;

/// <summary>
/// A host could not be reached or refused us (unknown host key, rejected key, connection
/// refused, timeout). The message is one line naming the host and never holds a secret.
/// </summary>
public sealed class HostAccessException(string message, Exception? inner = null) : Exception(message, inner);

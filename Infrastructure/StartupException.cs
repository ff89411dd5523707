namespace Points.Infrastructure;

/// <summary>
/// The process cannot start with this configuration or environment. The message is one line that
/// names the setting and says what to do; the host prints it and exits non-zero, without a stack trace.
/// </summary>
public sealed class StartupException(string message) : InvalidOperationException(message);

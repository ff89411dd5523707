namespace Points.Scoring;

/// <summary>Raised when input data cannot be used for fitting or scoring (bad label, missing column, malformed CSV, prohibited feature).</summary>
public sealed class ScoringDataException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public ScoringDataException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ScoringDataException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public ScoringDataException()
    {
    }
}

namespace Points.Scoring.Cli;

/// <summary>Placeholder until the scoring library lands.</summary>
public static class ScoringCli
{
    /// <summary>Runs a scoring verb.</summary>
    /// <param name="args">Arguments after "scoring".</param>
    /// <param name="stdout">Output.</param>
    /// <param name="stderr">Errors.</param>
    /// <returns>Exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("scoring: not available yet");
        return 2;
    }
}

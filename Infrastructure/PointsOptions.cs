namespace Points.Infrastructure;

/// <summary>The <c>Points:</c> configuration section.</summary>
public sealed class PointsOptions
{
    public const string Section = "Points";

    /// <summary>Data folder: SQLite file, uploads, the development signing key.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Seed the demo town into an empty database at startup.</summary>
    public bool SeedDemo { get; set; }

    /// <summary>Allow SQLite or the in-process quota store outside Development.</summary>
    public bool AllowEmbedded { get; set; }

    /// <summary>Apply pending migrations at startup (the <c>migrate</c> verb does it explicitly).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

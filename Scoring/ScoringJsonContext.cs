using System.Text.Json.Serialization;

namespace Points.Scoring;

/// <summary>Source-generated JSON metadata for the model artefact.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ScorecardModel))]
internal sealed partial class ScoringJsonContext : JsonSerializerContext;

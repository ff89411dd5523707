using System.Text.Json;
using System.Text.Json.Serialization;
using Points.Domain.Common;

namespace Points.Api.Http;

/// <summary>Instants leave the API in Asia/Shanghai (+08:00), the time a resident reads; input accepts any offset.</summary>
public sealed class ShanghaiDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ShanghaiTime.ToShanghai(value));
}

public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.Converters.Add(new ShanghaiDateTimeOffsetConverter());
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }
}

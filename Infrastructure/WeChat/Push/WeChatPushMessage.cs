using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Points.Infrastructure.WeChat.Push;

/// <summary>
/// The fields of a pushed message we act on, read from JSON or XML (the console chooses the format).
/// Every value is text: WeChat sends numbers as strings now and then (<c>"label":"100"</c>).
/// </summary>
public sealed record WeChatPushMessage(
    string? ToUserName,
    string? FromUserName,
    string? CreateTime,
    string? MsgType,
    string? Event,
    string? AppId,
    string? TraceId,
    string? Suggest,
    string? Label,
    string? ErrCode)
{
    /// <summary>The outer envelope's <c>Encrypt</c> field (safe mode), or null when the body is not an envelope.</summary>
    public static string? ReadEncrypt(string body) => Read(body, root => Field(root, "Encrypt"), root => root.Element("Encrypt")?.Value);

    public static WeChatPushMessage? Parse(string body) => Read(body, FromJson, FromXml);

    private static T? Read<T>(string body, Func<JsonElement, T?> json, Func<XElement, T?> xml)
    {
        var text = body?.TrimStart() ?? string.Empty;
        if (text.StartsWith('<'))
        {
            try
            {
                // No DTDs: a pushed document must never make us resolve entities.
                using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                var root = XDocument.Load(reader).Root;
                return root is null ? default : xml(root);
            }
            catch (XmlException)
            {
                return default;
            }
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? json(document.RootElement) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static WeChatPushMessage FromJson(JsonElement root)
    {
        var result = root.TryGetProperty("result", out var r) ? r : default;
        return new WeChatPushMessage(
            Field(root, "ToUserName"), Field(root, "FromUserName"), Field(root, "CreateTime"), Field(root, "MsgType"), Field(root, "Event"),
            Field(root, "appid"), Field(root, "trace_id"), Field(result, "suggest"), Field(result, "label"), Field(root, "errcode"));
    }

    private static WeChatPushMessage FromXml(XElement root)
    {
        var result = root.Element("result");
        return new WeChatPushMessage(
            root.Element("ToUserName")?.Value, root.Element("FromUserName")?.Value, root.Element("CreateTime")?.Value, root.Element("MsgType")?.Value,
            root.Element("Event")?.Value, root.Element("appid")?.Value, root.Element("trace_id")?.Value,
            result?.Element("suggest")?.Value, result?.Element("label")?.Value, root.Element("errcode")?.Value);
    }

    private static string? Field(JsonElement element, string name) => WeChatClient.GetString(element, name);
}

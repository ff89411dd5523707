using System.Text.Json;
using Points.Infrastructure.Identity;
using Points.Infrastructure.WeChat;
using Points.Infrastructure.WeChat.Notifications;
using Points.Infrastructure.WeChat.Push;

namespace Points.Infrastructure.Tests.WeChat;

public sealed class SubscribeMessageComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static string ActivityPayload(string title, string? address = "东山村文化礼堂") => JsonSerializer.Serialize(new
    {
        activityId = Guid.Parse("0193a000-0000-7000-8000-000000000001"),
        title,
        startsAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)),
        address,
    });

    [Theory]
    [InlineData("ActivityReminder")]
    [InlineData("WaitlistPromoted")]
    [InlineData("ActivityCancelled")]
    [InlineData("ReviewResult")]
    [InlineData("RedemptionReceipt")]
    public void Compose_EveryKind_PassesWeChatValidation(string kind)
    {
        var data = SubscribeMessageComposer.Compose(kind, ActivityPayload("护水巡河：沿曹娥江东岸从一号闸口巡到三号闸口并记录水质情况"), Now)!;

        Assert.NotEmpty(data);
        Assert.All(data, kv => Assert.Null(WeChatValidation.CheckSubscribeValue(kv.Key, kv.Value)));
        Assert.Null(WeChatValidation.CheckSubscribeMessage(new SubscribeMessage("openid", "template", data)));
    }

    [Fact]
    public void Compose_Reminder_LongTitleTruncatedWithEllipsis_TimeInShanghai()
    {
        var data = SubscribeMessageComposer.Compose("ActivityReminder", ActivityPayload("护水巡河：沿曹娥江东岸从一号闸口巡到三号闸口并记录水质情况"), Now)!;

        Assert.Equal(20, data["thing1"].Length);
        Assert.EndsWith("…", data["thing1"], StringComparison.Ordinal);
        Assert.StartsWith("护水巡河：沿曹娥江东岸", data["thing1"], StringComparison.Ordinal);
        Assert.Equal("2026-12-01 09:00", data["time2"]);
        Assert.Equal("东山村文化礼堂", data["thing3"]);
    }

    [Fact]
    public void Compose_MissingValues_GetPlaceholdersThatStillValidate()
    {
        var data = SubscribeMessageComposer.Compose("ActivityReminder", "{}", Now)!;

        Assert.Equal("社区活动", data["thing1"]);
        Assert.Equal("2026-11-23 10:00", data["time2"]);
        Assert.All(data, kv => Assert.Null(WeChatValidation.CheckSubscribeValue(kv.Key, kv.Value)));
    }

    [Fact]
    public void Compose_ReviewAndReceipt_ReadNumbersSentAsStringsOrNumbers()
    {
        var review = SubscribeMessageComposer.Compose("ReviewResult", """{"subject":"好人好事申报","decision":"Approve","points":10}""", Now)!;
        var receipt = SubscribeMessageComposer.Compose("RedemptionReceipt", """{"merchantName":"东山村便民超市","points":"30","balance":90,"redeemedAt":"2026-11-23T02:00:00Z"}""", Now)!;

        Assert.Equal("审核通过", review["phrase2"]);
        Assert.Equal("获得10积分", review["thing3"]);
        Assert.Equal("30", receipt["number2"]);
        Assert.Equal("90", receipt["number3"]);
        Assert.Equal("2026-11-23 10:00", receipt["time4"]);
    }

    [Fact]
    public void Compose_UnknownKind_ReturnsNull()
    {
        Assert.Null(SubscribeMessageComposer.Compose("Birthday", "{}", Now));
    }

    [Theory]
    [InlineData("thing1", "一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十")]
    [InlineData("thing1", "一二三四五六七八九十一二三四五六七八九十一", "一二三四五六七八九十一二三四五六七八九…")]
    [InlineData("thing1", "", "无")]
    [InlineData("name2", "欧阳一二三四五六七八九", "欧阳一二三四五六七八")]
    [InlineData("phrase3", "审核通过了", "审核通过了")]
    [InlineData("phrase3", "OK", "已处理")]
    [InlineData("number4", "12a3", "123")]
    [InlineData("character_string5", "AB 12-34", "AB12-34")]
    public void Fit_ValueOverTheLimit_IsShortenedNotRefused(string key, string value, string expected)
    {
        var fitted = SubscribeMessageComposer.Fit(key, value);

        Assert.Equal(expected, fitted);
        Assert.Null(WeChatValidation.CheckSubscribeValue(key, fitted));
    }

    [Fact]
    public void Fit_Emoji_CountsAsOneCharacter_NeverSplitInHalf()
    {
        var fitted = SubscribeMessageComposer.Fit("thing1", string.Concat(Enumerable.Repeat("👍", 25)));

        Assert.Equal(19, fitted.Count(c => char.IsHighSurrogate(c)));
        Assert.EndsWith("…", fitted, StringComparison.Ordinal);
    }
}

public sealed class PersonalDataProtectorTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Protect_RoundTrips_AndIsRandomised()
    {
        var protector = new PersonalDataProtector(Key);
        var row = Guid.NewGuid();

        var a = protector.Protect("13800138000", DataPurposes.Phone, row);
        var b = protector.Protect("13800138000", DataPurposes.Phone, row);

        Assert.NotEqual(a, b);
        Assert.DoesNotContain("13800138000", a, StringComparison.Ordinal);
        Assert.Equal("13800138000", protector.Unprotect(a, DataPurposes.Phone, row));
    }

    [Fact]
    public void Unprotect_OtherRowPurposeKeyOrTampered_ReturnsNull()
    {
        var protector = new PersonalDataProtector(Key);
        var row = Guid.NewGuid();
        var value = protector.Protect("13800138000", DataPurposes.Phone, row);
        var tampered = value[..^2] + (value[^2] == 'A' ? "B" : "A") + value[^1];

        Assert.Null(protector.Unprotect(value, DataPurposes.Phone, Guid.NewGuid()));
        Assert.Null(protector.Unprotect(value, DataPurposes.WeChatSessionKey, row));
        Assert.Null(new PersonalDataProtector(Key.Reverse().ToArray()).Unprotect(value, DataPurposes.Phone, row));
        Assert.Null(protector.Unprotect(tampered, DataPurposes.Phone, row));
        Assert.Null(protector.Unprotect("garbage", DataPurposes.Phone, row));
    }

    [Fact]
    public void LookupHash_StablePerKey_DiffersAcrossKeys()
    {
        var a = new PersonalDataProtector(Key);

        Assert.Equal(a.LookupHash(DataPurposes.Phone, "86:13800138000"), new PersonalDataProtector(Key).LookupHash(DataPurposes.Phone, "86:13800138000"));
        Assert.NotEqual(a.LookupHash(DataPurposes.Phone, "86:13800138000"), new PersonalDataProtector(Key.Reverse().ToArray()).LookupHash(DataPurposes.Phone, "86:13800138000"));
        Assert.Equal(64, a.LookupHash(DataPurposes.Phone, "x").Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    public void CheckKey_NotA32ByteBase64Key_ExplainsTheSetting(string? key)
    {
        Assert.Contains(PersonalDataProtector.ConfigurationKey, PersonalDataProtector.CheckKey(key));
    }
}

public sealed class WeChatPushMessageTests
{
    [Fact]
    public void Parse_Json_NumbersAsStringsOrNumbers()
    {
        var a = WeChatPushMessage.Parse("""{"MsgType":"event","Event":"wxa_media_check","trace_id":"t1","CreateTime":"1764000000","errcode":"0","result":{"suggest":"risky","label":"20001"}}""")!;
        var b = WeChatPushMessage.Parse("""{"MsgType":"event","Event":"wxa_media_check","trace_id":"t1","CreateTime":1764000000,"errcode":0,"result":{"suggest":"risky","label":20001}}""")!;

        Assert.Equal(a, b);
        Assert.Equal("20001", a.Label);
    }

    [Fact]
    public void Parse_XmlWithDoctype_IsRefused()
    {
        const string xxe = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><MsgType>&e;</MsgType></xml>""";

        Assert.Null(WeChatPushMessage.Parse(xxe));
        Assert.Null(WeChatPushMessage.ReadEncrypt(xxe));
    }

    [Theory]
    [InlineData("pass", 0, MediaCheckSuggest.Pass)]
    [InlineData("risky", 0, MediaCheckSuggest.Risky)]
    [InlineData("review", 0, MediaCheckSuggest.Review)]
    [InlineData("PASS ", 0, MediaCheckSuggest.Pass)]
    [InlineData("pass", 87014, MediaCheckSuggest.Review)]
    [InlineData(null, 0, MediaCheckSuggest.Review)]
    public void SuggestFrom_MapsWordsAndFailedChecks(string? suggest, int errCode, MediaCheckSuggest expected)
    {
        Assert.Equal(expected, MediaCheckVerdict.SuggestFrom(suggest, errCode));
    }
}

namespace Points.Infrastructure.WeChat;

/// <summary>code2Session answer. The session key decrypts user data: it never appears in ToString or logs.</summary>
public sealed record WeChatSession(string OpenId, string SessionKey, string? UnionId)
{
    public override string ToString() => $"WeChatSession {{ OpenId = {OpenId}, UnionId = {UnionId}, SessionKey = *** }}";
}

/// <summary>Phone number bound by the user. ToString masks the digits.</summary>
public sealed record WeChatPhoneNumber(string PhoneNumber, string PurePhoneNumber, string CountryCode)
{
    public override string ToString() => $"WeChatPhoneNumber {{ CountryCode = {CountryCode}, PurePhoneNumber = {Mask(PurePhoneNumber)} }}";

    internal static string Mask(string? phone) =>
        string.IsNullOrEmpty(phone) || phone.Length < 7 ? "***" : $"{phone[..3]}****{phone[^4..]}";
}

/// <summary>A subscribe message. Data keys are template keys such as <c>thing1</c>, <c>time2</c>, <c>amount3</c>.</summary>
public sealed record SubscribeMessage(
    string ToUser,
    string TemplateId,
    IReadOnlyDictionary<string, string> Data,
    string? Page = null,
    string? MiniProgramState = null,
    string? Lang = null);

public enum TextCheckSuggest
{
    Pass,
    Review,
    Risky,

    /// <summary>WeChat could not check (61010: the user has not opened the mini-program recently).</summary>
    Unchecked,
}

public enum ContentDecision
{
    Publish,
    ManualReview,
    Block,
}

/// <summary>msg_sec_check v2 verdict.</summary>
public sealed record TextCheckResult(string? TraceId, TextCheckSuggest Suggest, int Label)
{
    /// <summary>risky blocks, review and unchecked go to the manual queue, pass publishes.</summary>
    public ContentDecision Decision => Suggest switch
    {
        TextCheckSuggest.Pass => ContentDecision.Publish,
        TextCheckSuggest.Risky => ContentDecision.Block,
        _ => ContentDecision.ManualReview,
    };
}

/// <summary>stable_token answer; the token is a credential, so ToString hides it.</summary>
public sealed record StableAccessToken(string AccessToken, int ExpiresIn)
{
    public override string ToString() => $"StableAccessToken {{ ExpiresIn = {ExpiresIn}, AccessToken = *** }}";
}

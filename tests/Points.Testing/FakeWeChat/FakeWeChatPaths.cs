namespace Points.Testing.FakeWeChat;

/// <summary>The WeChat paths the fake server answers by default.</summary>
public static class FakeWeChatPaths
{
    /// <summary><c>GET /sns/jscode2session</c> (login).</summary>
    public const string Code2Session = "/sns/jscode2session";

    /// <summary><c>POST /cgi-bin/stable_token</c>.</summary>
    public const string StableToken = "/cgi-bin/stable_token";

    /// <summary><c>POST /wxa/business/getuserphonenumber</c>.</summary>
    public const string PhoneNumber = "/wxa/business/getuserphonenumber";

    /// <summary><c>POST /cgi-bin/message/subscribe/send</c>.</summary>
    public const string SubscribeSend = "/cgi-bin/message/subscribe/send";

    /// <summary><c>POST /wxa/msg_sec_check</c>.</summary>
    public const string MsgSecCheck = "/wxa/msg_sec_check";

    /// <summary><c>POST /wxa/media_check_async</c>.</summary>
    public const string MediaCheckAsync = "/wxa/media_check_async";

    /// <summary><c>POST /wxa/getwxacodeunlimit</c>.</summary>
    public const string UnlimitedQrCode = "/wxa/getwxacodeunlimit";
}

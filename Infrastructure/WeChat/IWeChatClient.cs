namespace Points.Infrastructure.WeChat;

/// <summary>Server-side WeChat mini-program calls. Every expected failure comes back as a <see cref="WeChatError"/>.</summary>
public interface IWeChatClient
{
    /// <summary>GET /sns/jscode2session. Never retried: the code is single use.</summary>
    Task<WeChatResult<WeChatSession>> Code2SessionAsync(string jsCode, CancellationToken ct);

    /// <summary>POST /wxa/business/getuserphonenumber. Never retried on busy: the code is single use.</summary>
    Task<WeChatResult<WeChatPhoneNumber>> GetPhoneNumberAsync(string code, string? openId, CancellationToken ct);

    /// <summary>POST /cgi-bin/message/subscribe/send after checking value limits. 43101 has kind Undeliverable.</summary>
    Task<WeChatResult<bool>> SendSubscribeMessageAsync(SubscribeMessage message, CancellationToken ct);

    /// <summary>POST /wxa/msg_sec_check (version 2). scene: 1 profile, 2 comment, 3 forum, 4 social log.</summary>
    Task<WeChatResult<TextCheckResult>> CheckTextAsync(string openId, int scene, string content, CancellationToken ct);

    /// <summary>POST /wxa/media_check_async for an image; returns the trace_id the later push event carries.</summary>
    Task<WeChatResult<string>> CheckImageAsync(string openId, int scene, string mediaUrl, CancellationToken ct);

    /// <summary>POST /wxa/getwxacodeunlimit; returns PNG/JPEG bytes. Arguments are validated before any request.</summary>
    Task<WeChatResult<byte[]>> GetUnlimitedQrCodeAsync(string scene, string? page, int? width, CancellationToken ct);
}

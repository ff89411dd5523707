using Microsoft.Extensions.Options;

namespace Points.Infrastructure.Participation;

/// <summary>Pass: publish; Review: hold for a person (manual queue); Risky: refuse.</summary>
public enum ContentVerdict
{
    Pass,
    Review,
    Risky,
}

public sealed record ContentCheckResult(ContentVerdict Verdict, string? Label = null);

/// <summary>
/// Checks resident-written text before staff or the public see it. The production implementation
/// will call WeChat msg_sec_check; <see cref="BlocklistContentChecker"/> is the default.
/// </summary>
public interface IContentChecker
{
    Task<ContentCheckResult> CheckAsync(string text, Guid? authorId, CancellationToken ct);
}

/// <summary>The <c>ContentCheck:</c> section: words that block a text, and words that send it to a person.</summary>
public sealed class ContentCheckOptions
{
    public const string Section = "ContentCheck";

    public string[] Blocklist { get; set; } = ["赌博", "色情", "代开发票"];

    /// <summary>Links and contact handles are usually advertising: a person looks first.</summary>
    public string[] ReviewList { get; set; } = ["http://", "https://", "微信号"];
}

/// <summary>Passes everything except the configured words (case-insensitive substring match).</summary>
public sealed class BlocklistContentChecker(IOptions<ContentCheckOptions> options) : IContentChecker
{
    public Task<ContentCheckResult> CheckAsync(string text, Guid? authorId, CancellationToken ct)
    {
        var o = options.Value;
        if (o.Blocklist.FirstOrDefault(w => w.Length > 0 && text.Contains(w, StringComparison.OrdinalIgnoreCase)) is { } risky)
        {
            return Task.FromResult(new ContentCheckResult(ContentVerdict.Risky, risky));
        }

        if (o.ReviewList.FirstOrDefault(w => w.Length > 0 && text.Contains(w, StringComparison.OrdinalIgnoreCase)) is { } review)
        {
            return Task.FromResult(new ContentCheckResult(ContentVerdict.Review, review));
        }

        return Task.FromResult(new ContentCheckResult(ContentVerdict.Pass));
    }
}

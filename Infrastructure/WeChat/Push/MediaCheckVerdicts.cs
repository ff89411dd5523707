namespace Points.Infrastructure.WeChat.Push;

public enum MediaCheckSuggest
{
    Pass,

    /// <summary>WeChat is unsure (or could not check): a person decides.</summary>
    Review,

    /// <summary>Hidden from everyone.</summary>
    Risky,
}

/// <summary>The verdict of an asynchronous image check (<c>wxa_media_check</c> push event).</summary>
public sealed record MediaCheckVerdict(string TraceId, MediaCheckSuggest Suggest, int Label, int ErrCode)
{
    /// <summary>pass / review / risky; a failed check (errcode ≠ 0) or an unknown word goes to people.</summary>
    public static MediaCheckSuggest SuggestFrom(string? suggest, int errCode) => errCode != 0
        ? MediaCheckSuggest.Review
        : suggest?.Trim().ToLowerInvariant() switch
        {
            "pass" => MediaCheckSuggest.Pass,
            "risky" => MediaCheckSuggest.Risky,
            _ => MediaCheckSuggest.Review,
        };
}

/// <summary>
/// Applies a media-check verdict to whatever was checked (the upload carrying that trace_id). Runs inside
/// the push's transaction on the request's scoped DbContext: the event row and the verdict commit together.
/// </summary>
public interface IMediaCheckVerdictHandler
{
    Task HandleAsync(MediaCheckVerdict verdict, CancellationToken ct);
}

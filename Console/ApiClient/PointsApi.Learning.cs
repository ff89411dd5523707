using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Points.Console.ApiClient;

// 学习 (articles and their comments), 负面清单 (negative records), uploads, and an activity's waitlist.
public sealed partial class PointsApi
{
    // Learning
    public Task<ApiResult<List<ArticleResponse>>> ArticlesAsync() => GetAsync<List<ArticleResponse>>("api/articles");

    public Task<ApiResult<ArticleResponse>> ArticleAsync(Guid id) => GetAsync<ArticleResponse>($"api/articles/{id}");

    public Task<ApiResult<ArticleResponse>> CreateArticleAsync(CreateArticleRequest request) => SendAsync<ArticleResponse>(HttpMethod.Post, "api/articles", request);

    public Task<ApiResult<ArticleResponse>> PublishArticleAsync(Guid id) => SendAsync<ArticleResponse>(HttpMethod.Post, $"api/articles/{id}/publish", new { });

    public Task<ApiResult<List<CommentResponse>>> CommentsAsync(Guid articleId, string? status) =>
        GetAsync<List<CommentResponse>>($"api/articles/{articleId}/comments" + Query(("status", status)));

    public Task<ApiResult<CommentResponse>> ModerateCommentAsync(Guid commentId, bool accept) =>
        SendAsync<CommentResponse>(HttpMethod.Post, $"api/articles/comments/{commentId}/moderate", new ModerateCommentRequest(accept));

    // Negative records
    public Task<ApiResult<NegativeRecordListPage>> NegativeRecordListAsync(string? status, int page) =>
        GetAsync<NegativeRecordListPage>("api/negative-records" + Query(("status", status), ("page", page.ToString(CultureInfo.InvariantCulture)), ("pageSize", "20")));

    public Task<ApiResult<NegativeRecordDetail>> NegativeRecordAsync(Guid id) => GetAsync<NegativeRecordDetail>($"api/negative-records/{id}");

    public Task<ApiResult<NegativeRecordDetail>> CreateNegativeRecordAsync(Guid residentId, CreateNegativeRecordRequest request) =>
        SendAsync<NegativeRecordDetail>(HttpMethod.Post, $"api/residents/{residentId}/negative-records", request);

    public Task<ApiResult<NegativeRecordDetail>> DecideAppealAsync(Guid id, bool uphold, string? note) =>
        SendAsync<NegativeRecordDetail>(HttpMethod.Post, $"api/negative-records/{id}/appeal-decision", new AppealDecisionRequest(uphold, note));

    public Task<ApiResult<NegativeRecordDetail>> RevokeNegativeRecordAsync(Guid id, string? note) =>
        SendAsync<NegativeRecordDetail>(HttpMethod.Post, $"api/negative-records/{id}/revoke", new RevokeNegativeRecordRequest(note));

    /// <summary>An image as the upload route takes it: a multipart form with the field <c>file</c>.</summary>
    public Task<ApiResult<UploadResponse>> UploadAsync(string fileName, string contentType, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return SendAsync<UploadResponse>(HttpMethod.Post, "api/uploads", form);
    }

    // Activities: who waits for a place
    public Task<ApiResult<List<WaitlistItemResponse>>> WaitlistAsync(Guid activityId) => GetAsync<List<WaitlistItemResponse>>($"api/activities/{activityId}/waitlist");

    /// <summary>
    /// The current check-in code with how far the server's clock is ahead of this PC's (from the answer's Date header):
    /// an office PC's clock may be minutes off, and the code's expiry is the server's time.
    /// </summary>
    public async Task<ApiResult<TimedCheckInCode>> TimedCheckInCodeAsync(Guid id)
    {
        var result = await SendWithDateAsync<CheckInCodeResponse>($"api/activities/{id}/checkin-code");
        return result.Value is var (code, serverDate) && code is not null
            ? new ApiResult<TimedCheckInCode>(new TimedCheckInCode(code, serverDate is { } d ? d - clock.GetUtcNow() : TimeSpan.Zero), null)
            : new ApiResult<TimedCheckInCode>(null, result.Problem);
    }

    private async Task<ApiResult<(T? Value, DateTimeOffset? ServerDate)>> SendWithDateAsync<T>(string path)
    {
        using var response = await ExchangeAsync(HttpMethod.Get, path, null, anonymous: false, idempotencyKey: null);
        if (response is null)
        {
            return new(default, Problem.Network());
        }

        if (!response.IsSuccessStatusCode)
        {
            return new(default, await ReadProblemAsync(response));
        }

        try
        {
            return new((await response.Content.ReadFromJsonAsync<T>(Json), response.Headers.Date), null);
        }
        catch (System.Text.Json.JsonException)
        {
            return new(default, Problem.Unexpected(response.StatusCode));
        }
    }
}

/// <summary>A check-in code and the server clock's lead over this PC's (negative when the PC is ahead).</summary>
public sealed record TimedCheckInCode(CheckInCodeResponse Code, TimeSpan Skew);

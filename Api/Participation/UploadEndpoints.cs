using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat.Push;

namespace Points.Api.Participation;

public sealed record UploadResponse(Guid Id, string ContentType, long SizeBytes, ModerationStatus Moderation, DateTimeOffset CreatedAt);

public static class UploadEndpoints
{
    /// <summary>The file limit plus room for the multipart envelope; larger bodies are cut off by the server.</summary>
    public const long MaxRequestBytes = Upload.MaxBytes + (256 * 1024);

    public static RouteGroupBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/uploads").WithTags("Uploads").RequireAuthorization();
        group.MapPost("/", UploadAsync).WithName(nameof(UploadAsync))
            .WithSummary("上传图片（JPEG/PNG/WebP，最大5MB、4000万像素；重新编码保存，长边不超过2048像素，去除EXIF/定位信息）")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes));
        group.MapGet("/{id:guid}", GetUploadAsync).WithName(nameof(GetUploadAsync)).WithSummary("查看图片（上传者本人、所在村社或镇街的工作人员；积分超市商品图片所有登录用户可见）");
        return group;
    }

    public static async Task<Results<Created<UploadResponse>, ProblemHttpResult, ValidationProblem>> UploadAsync(
        HttpRequest request, ClaimsPrincipal principal, PointsDbContext db, IFileStorage storage, UploadMediaCheck mediaCheck, TimeProvider clock, CancellationToken ct)
    {
        // The form is read here rather than bound as an IFormFile parameter: a bound IFormFile makes
        // routing answer a non-multipart request with 415 before authentication has had its say.
        if (!request.HasFormContentType)
        {
            return ParticipationEndpoints.Status(StatusCodes.Status415UnsupportedMediaType, "upload.not_multipart", "请以 multipart/form-data 表单上传图片（字段名 file）");
        }

        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", "请选择要上传的图片");
        }

        if (file.Length > Upload.MaxBytes)
        {
            return ParticipationEndpoints.Status(StatusCodes.Status413PayloadTooLarge, "upload.too_large", "图片不能超过5MB");
        }

        var me = principal.Me();
        byte[] data;
        await using (var stream = file.OpenReadStream())
        {
            using var buffer = new MemoryStream((int)file.Length);
            await stream.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }

        // The header's dimensions are checked before any pixel is decoded; what is stored is re-encoded.
        var normalized = UploadImages.Normalize(data);
        switch (normalized.Refusal)
        {
            case UploadImageRefusal.NotAnImage:
                return ParticipationEndpoints.Status(StatusCodes.Status415UnsupportedMediaType, "upload.unsupported_type", "只能上传 JPEG、PNG 或 WebP 格式的图片");
            case UploadImageRefusal.TooManyPixels:
                return ParticipationEndpoints.Status(StatusCodes.Status413PayloadTooLarge, "upload.too_many_pixels",
                    $"图片尺寸过大（{normalized.DeclaredWidth}×{normalized.DeclaredHeight}）：最多4000万像素，长边不超过{Upload.MaxSide}像素");
            case not null:
                return ParticipationEndpoints.Status(StatusCodes.Status400BadRequest, "upload.corrupt", "图片文件已损坏，无法读取");
        }

        var image = normalized.Image!;
        var user = await ParticipationEndpoints.UserAsync(db, me.Id, ct);
        if (user is null)
        {
            return Problems.NotFound("account.not_found", "账户不存在");
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var extension = image.Format == ImageFormat.Png ? "png" : "jpg";
        var key = $"{now:yyyy}/{now:MM}/{id:N}.{extension}";
        await storage.SaveAsync(key, image.Bytes, ct);
        var upload = new Upload(id, me.Id, user.TownId, user.CommunityId, image.Format, image.Bytes.Length, key, Convert.ToHexStringLower(SHA256.HashData(image.Bytes)), now);
        db.Uploads.Add(upload);
        await db.SaveChangesAsync(ct);

        // WeChat checks the image asynchronously; its verdict arrives as a push carrying the trace_id.
        await mediaCheck.RequestAsync(db, upload, user.WeChatOpenId, ct);
        return TypedResults.Created($"/api/uploads/{id}", ToResponse(upload));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetUploadAsync(
        Guid id, ClaimsPrincipal principal, PointsDbContext db, IFileStorage storage, HttpContext http, CancellationToken ct)
    {
        var upload = await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        var me = principal.Me();
        if (upload is null || !(CanView(me, upload) || await IsEvidenceAboutAsync(db, upload.Id, me.Id, ct) || await IsMarketPhotoAsync(db, upload.Id, ct)))
        {
            return Problems.NotFound("upload.not_found", "图片不存在");
        }

        if (upload.IsHidden)
        {
            return Problems.NotFound("upload.hidden", "图片未通过内容安全检查，已隐藏");
        }

        var stream = await storage.OpenReadAsync(upload.StorageKey, ct);
        if (stream is null)
        {
            return Problems.NotFound("upload.not_found", "图片不存在");
        }

        http.Response.Headers.CacheControl = "private, max-age=3600";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, upload.ContentType);
    }

    /// <summary>The uploader, and staff of the uploader's community (or town, for town-level uploads).</summary>
    public static bool CanView(CurrentUser me, Upload upload) =>
        upload.OwnerId == me.Id
        || (upload.CommunityId is { } community ? me.CanAdminister(upload.TownId, community) : me.CanAdministerTown(upload.TownId));

    /// <summary>A resident may see the evidence staff attached to a negative record about them.</summary>
    private static Task<bool> IsEvidenceAboutAsync(PointsDbContext db, Guid uploadId, Guid residentId, CancellationToken ct)
    {
        var token = uploadId.ToString("N");
        return db.NegativeRecords.AnyAsync(r => r.ResidentId == residentId && r.EvidenceIds.Contains(token), ct);
    }

    /// <summary>A market item's photo is for every resident who browses the market.</summary>
    private static Task<bool> IsMarketPhotoAsync(PointsDbContext db, Guid uploadId, CancellationToken ct) =>
        db.MarketItems.AnyAsync(i => i.PhotoId == uploadId, ct);

    private static UploadResponse ToResponse(Upload u) => new(u.Id, u.ContentType, u.SizeBytes, u.Moderation, u.CreatedAt);
}

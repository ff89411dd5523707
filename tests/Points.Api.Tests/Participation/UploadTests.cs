using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Points.Api.Tests.Infrastructure;
using Points.Domain.Participation;
using Points.Infrastructure.Participation;
using SkiaSharp;

namespace Points.Api.Tests.Participation;

public sealed class UploadTests(PointsApiFactory factory) : IClassFixture<PointsApiFactory>
{
    [Fact]
    public async Task Upload_JpegWithGpsExif_StoresCopyWithoutApp1()
    {
        var client = await factory.ResidentAsync(11);
        var original = TestImages.Jpeg(withGps: true);
        Assert.True(TestImages.Contains(original, "Exif\0\0"u8));

        var response = await client.PostAsync("/api/uploads", TestImages.Form(original, "holiday.jpg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("image/jpeg", body.GetProperty("contentType").GetString());
        Assert.Equal("Pending", body.GetProperty("moderation").GetString());
        var stored = await StoredBytesAsync(body.GetProperty("id").GetGuid());
        Assert.False(TestImages.Contains(stored, [0xFF, 0xE1]));
        Assert.False(TestImages.Contains(stored, "Exif"u8));
        Assert.Equal((1, 1, SKEncodedImageFormat.Jpeg), TestImages.Decoded(stored));
        var served = await client.GetByteArrayAsync($"/api/uploads/{body.GetProperty("id").GetGuid()}");
        Assert.Equal(stored, served);
    }

    [Fact]
    public async Task Upload_PngWithExifAndText_StripsBothChunks()
    {
        var client = await factory.ResidentAsync(11);

        var response = await client.PostAsync("/api/uploads", TestImages.Form(TestImages.Png(withExif: true), "a.png", "image/png"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var stored = await StoredBytesAsync(id);
        Assert.False(TestImages.Contains(stored, "eXIf"u8));
        Assert.False(TestImages.Contains(stored, "tEXt"u8));
        Assert.Equal((1, 1, SKEncodedImageFormat.Png), TestImages.Decoded(stored));
        var row = await factory.WithDbAsync(db => db.Uploads.SingleAsync(u => u.Id == id));
        Assert.Equal(ImageFormat.Png, row.Format);
        Assert.Equal(PointsApiFactory.DemoResidentId(11), row.OwnerId);
        Assert.Equal(stored.Length, row.SizeBytes);
    }

    [Fact]
    public async Task Upload_WebPWithExifChunk_StoredAsJpegWithoutIt()
    {
        var client = await factory.ResidentAsync(11);
        var webp = TestImages.WebPWithExif(TestImages.Photo(64, 48));
        Assert.True(TestImages.Contains(webp, "EXIF"u8));

        var response = await client.PostAsync("/api/uploads", TestImages.Form(webp, "a.webp", "image/webp"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("image/jpeg", body.GetProperty("contentType").GetString());
        var stored = await StoredBytesAsync(body.GetProperty("id").GetGuid());
        Assert.False(TestImages.Contains(stored, "EXIF"u8));
        Assert.False(TestImages.Contains(stored, "Exif"u8));
        Assert.Equal((64, 48, SKEncodedImageFormat.Jpeg), TestImages.Decoded(stored));
    }

    [Fact]
    public async Task Upload_PngDeclaring20000x20000_Returns413BeforeDecoding()
    {
        var client = await factory.ResidentAsync(11);
        var bomb = TestImages.BlankPng(20000, 20000);
        Assert.InRange(bomb.Length, 1, 64 * 1024);
        var before = await factory.WithDbAsync(db => db.Uploads.CountAsync());

        var response = await client.PostAsync("/api/uploads", TestImages.Form(bomb, "bomb.png", "image/png"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "upload.too_many_pixels");
        Assert.Contains("图片尺寸过大", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("20000×20000", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.WithDbAsync(db => db.Uploads.CountAsync()));
    }

    [Theory]
    [InlineData(8001, 10)]
    [InlineData(7000, 6000)]
    public void Normalize_OverSideOrPixelLimit_RefusedFromTheHeader(int width, int height)
    {
        var result = UploadImages.Normalize(TestImages.BlankPng(width, height));

        Assert.Equal(UploadImageRefusal.TooManyPixels, result.Refusal);
        Assert.Equal((width, height), (result.DeclaredWidth, result.DeclaredHeight));
    }

    [Fact]
    public void Normalize_AtTheLimits_IsAccepted()
    {
        var result = UploadImages.Normalize(TestImages.BlankPng(8000, 5000));

        Assert.Null(result.Refusal);
        Assert.Equal((2048, 1280), (result.Image!.Width, result.Image.Height));
    }

    [Fact]
    public async Task Upload_PhotoWithGpsExif_StoredReencodedSmallerAndWithoutExif()
    {
        var client = await factory.ResidentAsync(11);
        var photo = TestImages.WithExif(TestImages.Photo(3000, 2000), TestImages.TiffWithGps());
        Assert.True(TestImages.Contains(photo, "Exif\0\0"u8));

        var response = await client.PostAsync("/api/uploads", TestImages.Form(photo, "photo.jpg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var stored = await StoredBytesAsync(id);
        Assert.NotEqual(photo, stored);
        Assert.False(TestImages.Contains(stored, "Exif"u8));
        Assert.False(TestImages.Contains(stored, [0xFF, 0xE1]));
        Assert.Equal((2048, 1365, SKEncodedImageFormat.Jpeg), TestImages.Decoded(stored));
        var row = await factory.WithDbAsync(db => db.Uploads.SingleAsync(u => u.Id == id));
        Assert.Equal(stored.Length, row.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored)), row.Sha256);
        Assert.Equal(stored, await client.GetByteArrayAsync($"/api/uploads/{id}"));
    }

    [Fact]
    public void Normalize_ExifRotated90_IsStoredUpright()
    {
        // 40×20, left half red and right half blue, tagged "rotate 90° clockwise to view" (orientation 6).
        var photo = TestImages.WithExif(TestImages.Photo(40, 20, halves: true), TestImages.TiffWithOrientation(6));

        var result = UploadImages.Normalize(photo);

        Assert.Null(result.Refusal);
        using var upright = SKBitmap.Decode(result.Image!.Bytes);
        Assert.Equal((20, 40), (upright.Width, upright.Height));
        Assert.True(upright.GetPixel(10, 5).Red > 200 && upright.GetPixel(10, 5).Blue < 60, $"top should be red: {upright.GetPixel(10, 5)}");
        Assert.True(upright.GetPixel(10, 35).Blue > 200 && upright.GetPixel(10, 35).Red < 60, $"bottom should be blue: {upright.GetPixel(10, 35)}");
        Assert.False(TestImages.Contains(result.Image.Bytes, "Exif"u8));
    }

    [Fact]
    public async Task Upload_SignatureThenGarbage_Returns400Corrupt()
    {
        var client = await factory.ResidentAsync(11);
        byte[] fake = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "not really a png, just text after the signature"u8];

        var response = await client.PostAsync("/api/uploads", TestImages.Form(fake, "fake.png", "image/png"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upload.corrupt");
    }

    [Theory]
    [InlineData("elf")]
    [InlineData("mz")]
    [InlineData("text")]
    public async Task Upload_ExecutableRenamedToJpg_Returns415(string kind)
    {
        var client = await factory.ResidentAsync(11);
        byte[] bytes = kind switch
        {
            "elf" => [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "mz" => [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0],
            _ => Encoding.UTF8.GetBytes("<html>not an image</html>"),
        };
        var before = await factory.WithDbAsync(db => db.Uploads.CountAsync());

        var response = await client.PostAsync("/api/uploads", TestImages.Form(bytes, "photo.jpg"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "upload.unsupported_type");
        Assert.Equal(before, await factory.WithDbAsync(db => db.Uploads.CountAsync()));
    }

    [Fact]
    public async Task Upload_TruncatedJpeg_Returns400Corrupt()
    {
        var client = await factory.ResidentAsync(11);
        var jpeg = TestImages.Jpeg(withGps: true);

        var response = await client.PostAsync("/api/uploads", TestImages.Form(jpeg[..30], "cut.jpg"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "upload.corrupt");
    }

    [Fact]
    public async Task Upload_Over5MB_Returns413()
    {
        var client = await factory.ResidentAsync(11);
        var big = new byte[(int)Upload.MaxBytes + 1];
        TestImages.Png().CopyTo(big, 0);

        var response = await client.PostAsync("/api/uploads", TestImages.Form(big, "big.png", "image/png"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "upload.too_large");
    }

    [Fact]
    public async Task Upload_Endpoint_RaisesBodyLimitAndDisablesAntiforgery()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var upload = endpoints.Single(e => e.RoutePattern.RawText?.TrimEnd('/') == "/api/uploads" && e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Contains("POST"));

        Assert.True(upload.Metadata.GetMetadata<IRequestSizeLimitMetadata>()!.MaxRequestBodySize > Upload.MaxBytes);
        Assert.False(upload.Metadata.GetMetadata<IAntiforgeryMetadata>()!.RequiresValidation);
    }

    [Fact]
    public async Task Upload_NoFile_Returns400()
    {
        var client = await factory.ResidentAsync(11);

        var response = await client.PostAsync("/api/uploads", new MultipartFormDataContent { { new StringContent("x"), "other" } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task GetUpload_OtherResident_Returns404_OwnStaff200_OtherCommunityStaff404()
    {
        var owner = await factory.ResidentAsync(11);
        var id = await TestImages.UploadAsync(owner);

        var other = await (await factory.ResidentAsync(13)).GetAsync($"/api/uploads/{id}");
        var dongshan = await (await factory.StaffAsync("staff-dongshan")).GetAsync($"/api/uploads/{id}");
        var xihu = await (await factory.StaffAsync("staff-xihu")).GetAsync($"/api/uploads/{id}");
        var anonymous = await factory.CreateClient().GetAsync($"/api/uploads/{id}");

        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.NotFound, "upload.not_found");
        Assert.Equal(HttpStatusCode.OK, dongshan.StatusCode);
        Assert.Equal("image/png", dongshan.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.IsProblemAsync(xihu, HttpStatusCode.NotFound, "upload.not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task GetUpload_RiskyModeration_IsHidden()
    {
        var owner = await factory.ResidentAsync(11);
        var id = await TestImages.UploadAsync(owner);
        await factory.WithDbAsync(db => db.Uploads.Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Moderation, ModerationStatus.Risky)));

        var response = await owner.GetAsync($"/api/uploads/{id}");
        var declaration = await owner.PostAsJsonAsync("/api/declarations", new { category = "GoodDeed", text = "扶老人过马路", photoIds = new[] { id } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "upload.hidden");
        await ProblemAssert.IsProblemAsync(declaration, HttpStatusCode.BadRequest, "declaration.photo_invalid");
    }

    private async Task<byte[]> StoredBytesAsync(Guid id)
    {
        var key = await factory.WithDbAsync(db => db.Uploads.Where(u => u.Id == id).Select(u => u.StorageKey).SingleAsync());
        var storage = factory.Services.GetRequiredService<IFileStorage>();
        await using var stream = await storage.OpenReadAsync(key, CancellationToken.None);
        using var ms = new MemoryStream();
        await stream!.CopyToAsync(ms);
        return ms.ToArray();
    }
}

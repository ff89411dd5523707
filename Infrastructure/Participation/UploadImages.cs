using Points.Domain.Participation;
using SkiaSharp;

namespace Points.Infrastructure.Participation;

public enum UploadImageRefusal
{
    /// <summary>Not JPEG, PNG or WebP by its first bytes (whatever its name or declared type).</summary>
    NotAnImage,

    /// <summary>The header or the pixels do not decode.</summary>
    Corrupt,

    /// <summary>The header declares more than <see cref="Upload.MaxPixels"/> pixels or a side over <see cref="Upload.MaxSide"/>.</summary>
    TooManyPixels,
}

/// <summary>What is stored: re-encoded pixels only, upright, at most <see cref="Upload.StoredMaxSide"/> on the longest side.</summary>
public sealed record UploadImage(ImageFormat Format, byte[] Bytes, int Width, int Height);

/// <summary>Either the image to store or why it is refused; the declared size is known once the header was read.</summary>
public sealed record UploadImageResult(UploadImage? Image, UploadImageRefusal? Refusal, int DeclaredWidth, int DeclaredHeight);

/// <summary>
/// Turns an uploaded file into the image that is stored and served. The format is recognised by its first
/// bytes; the header's dimensions are checked before any pixel is decoded (a 47 KB PNG can declare
/// 20000×20000); then the pixels are decoded (in sRGB, turned upright by the EXIF orientation), scaled
/// down to <see cref="Upload.StoredMaxSide"/> and encoded afresh: JPEG stays JPEG, PNG stays PNG, WebP
/// becomes JPEG, or PNG when it has an alpha channel. Nothing of the original file but its pixels is kept,
/// so EXIF (with GPS), XMP, IPTC, text chunks and anything appended are gone.
/// </summary>
public static class UploadImages
{
    public const int JpegQuality = 85;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (head.Length >= 8 && head[..8].SequenceEqual(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        return null;
    }

    public static UploadImageResult Normalize(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Detect(data) is not { } format)
        {
            return new UploadImageResult(null, UploadImageRefusal.NotAnImage, 0, 0);
        }

        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded);
        if (codec is null || !Matches(codec.EncodedFormat, format))
        {
            return new UploadImageResult(null, UploadImageRefusal.Corrupt, 0, 0);
        }

        // The header only: nothing has been decoded yet.
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (!Upload.DimensionsAllowed(width, height))
        {
            return new UploadImageResult(null, width > 0 && height > 0 ? UploadImageRefusal.TooManyPixels : UploadImageRefusal.Corrupt, width, height);
        }

        var hasAlpha = codec.Info.AlphaType != SKAlphaType.Opaque;
        using var pixels = Decode(codec, width, height, hasAlpha);
        if (pixels is null)
        {
            return new UploadImageResult(null, UploadImageRefusal.Corrupt, width, height);
        }

        var output = format switch
        {
            ImageFormat.Png => ImageFormat.Png,
            ImageFormat.WebP when hasAlpha => ImageFormat.Png,
            _ => ImageFormat.Jpeg,
        };
        using var upright = Upright(pixels, codec.EncodedOrigin, hasAlpha);
        using var image = SKImage.FromBitmap(upright);
        using var result = output == ImageFormat.Png ? image.Encode(SKEncodedImageFormat.Png, 100) : image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return result is null
            ? new UploadImageResult(null, UploadImageRefusal.Corrupt, width, height)
            : new UploadImageResult(new UploadImage(output, result.ToArray(), upright.Width, upright.Height), null, width, height);
    }

    private static bool Matches(SKEncodedImageFormat decoded, ImageFormat detected) => (decoded, detected) switch
    {
        (SKEncodedImageFormat.Jpeg, ImageFormat.Jpeg) or (SKEncodedImageFormat.Png, ImageFormat.Png) or (SKEncodedImageFormat.Webp, ImageFormat.WebP) => true,
        _ => false,
    };

    /// <summary>
    /// Decodes in sRGB, at a reduced size where the codec can (JPEG scales by 1/2, 1/4, 1/8 while decoding)
    /// but never below the stored size; null when the pixels are broken or cut short.
    /// </summary>
    private static SKBitmap? Decode(SKCodec codec, int width, int height, bool hasAlpha)
    {
        var size = new SKSizeI(width, height);
        var longest = Math.Max(width, height);
        if (longest > Upload.StoredMaxSide)
        {
            var scaled = codec.GetScaledDimensions((float)Upload.StoredMaxSide / longest);
            if (Math.Max(scaled.Width, scaled.Height) >= Upload.StoredMaxSide)
            {
                size = scaled;
            }
        }

        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, hasAlpha ? SKAlphaType.Premul : SKAlphaType.Opaque, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(info);
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>The pixels turned upright by the EXIF orientation (which is not kept) and scaled to the stored size.</summary>
    private static SKBitmap Upright(SKBitmap source, SKEncodedOrigin origin, bool hasAlpha)
    {
        var (w, h) = ((float)source.Width, (float)source.Height);
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = swaps ? (source.Height, source.Width) : (source.Width, source.Height);
        var scale = Math.Min(1.0, (double)Upload.StoredMaxSide / Math.Max(uprightWidth, uprightHeight));
        var targetWidth = Math.Max(1, (int)Math.Round(uprightWidth * scale));
        var targetHeight = Math.Max(1, (int)Math.Round(uprightHeight * scale));

        // x' = ScaleX·x + SkewX·y + TransX, y' = SkewY·x + ScaleY·y + TransY, in the source's pixel space.
        var orient = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var matrix = SKMatrix.CreateScale(targetWidth / (float)uprightWidth, targetHeight / (float)uprightHeight).PreConcat(orient);

        var target = new SKBitmap(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, hasAlpha ? SKAlphaType.Premul : SKAlphaType.Opaque, SKColorSpace.CreateSrgb()));
        using var canvas = new SKCanvas(target);
        canvas.Clear(hasAlpha ? SKColors.Transparent : SKColors.White);
        canvas.SetMatrix(matrix);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        canvas.Flush();
        return target;
    }
}

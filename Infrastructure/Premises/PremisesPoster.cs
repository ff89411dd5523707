using Points.Domain.Premises;
using QRCoder;
using SkiaSharp;

namespace Points.Infrastructure.Premises;

/// <summary>
/// The door poster (场所码): the public code's QR on a card framed in the code's colour, as a PNG. The host has no CJK
/// font, so the poster carries no text; the console prints the name beside it.
/// </summary>
public static class PremisesPoster
{
    private const int Width = 720;
    private const int Height = 900;
    private const int Frame = 48;

    public static SKColor ColourOf(PremisesColour colour) => colour switch
    {
        PremisesColour.Green => new SKColor(0x2E, 0x9E, 0x44),
        PremisesColour.Yellow => new SKColor(0xF2, 0xB7, 0x05),
        _ => new SKColor(0xD6, 0x28, 0x28),
    };

    /// <param name="url">What the QR carries: the public page or route of the code.</param>
    public static byte[] Render(string url, PremisesColour colour)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.Q);
        var qrPng = new PngByteQRCode(data).GetGraphic(12);
        using var qr = SKBitmap.Decode(qrPng);

        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(ColourOf(colour));
        using (var card = new SKPaint { Color = SKColors.White, IsAntialias = true })
        {
            canvas.DrawRoundRect(new SKRect(Frame, Frame, Width - Frame, Height - (Frame * 3)), 24, 24, card);
        }

        var side = Width - (Frame * 4);
        var top = Frame * 2;
        using (var image = SKImage.FromBitmap(qr))
        {
            canvas.DrawImage(image, new SKRect(Frame * 2, top, (Frame * 2) + side, top + side), new SKSamplingOptions(SKFilterMode.Nearest));
        }

        // The colour again as a band under the card, readable from across the street.
        using (var band = new SKPaint { Color = ColourOf(colour).WithAlpha(255), IsAntialias = true })
        {
            canvas.DrawRect(new SKRect(Frame * 2, top + side + 24, Width - (Frame * 2), Height - (Frame * 3) - 24), band);
        }

        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using SkiaSharp;

namespace Points.Api.Tests.Participation;

/// <summary>Real image files: tiny ones built byte by byte, photos drawn with SkiaSharp.</summary>
public static class TestImages
{
    /// <summary>A valid 1x1 grey PNG, optionally with an eXIf chunk and a tEXt chunk.</summary>
    public static byte[] Png(bool withExif = false)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(0), 1);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 1);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        Chunk(ms, "IHDR", ihdr);
        if (withExif)
        {
            Chunk(ms, "eXIf", TiffWithGps());
            Chunk(ms, "tEXt", Encoding.ASCII.GetBytes("Comment\0GPS 30.03N"));
        }

        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write([0x00, 0x80]); // filter none, one grey pixel
        }

        Chunk(ms, "IDAT", raw.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A valid baseline 1x1 greyscale JPEG; with <paramref name="withGps"/> an APP1 EXIF segment carrying a GPS IFD.</summary>
    public static byte[] Jpeg(bool withGps = false)
    {
        using var ms = new MemoryStream();
        ms.Write([0xFF, 0xD8]);
        // APP0 JFIF
        Segment(ms, 0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        if (withGps)
        {
            Segment(ms, 0xE1, [.. "Exif\0\0"u8, .. TiffWithGps()]);
        }

        // DQT: table 0, all ones
        var dqt = new byte[65];
        Array.Fill(dqt, (byte)1);
        dqt[0] = 0;
        Segment(ms, 0xDB, dqt);
        // SOF0: 8-bit, 1x1, one component (id 1, sampling 1x1, table 0)
        Segment(ms, 0xC0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        // DHT DC table 0: one code of length 1 for category 0; AC table 0: one code of length 1 for EOB
        Segment(ms, 0xC4, [0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
        Segment(ms, 0xC4, [0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
        // SOS: one component, tables 0/0, spectral 0-63
        Segment(ms, 0xDA, [1, 1, 0x00, 0, 63, 0]);
        ms.WriteByte(0x3F); // DC "0" + EOB "0", padded with ones
        ms.Write([0xFF, 0xD9]);
        return ms.ToArray();
    }

    /// <summary>A WebP container with VP8X (EXIF flag set), an EXIF chunk and a lossless image chunk.</summary>
    public static byte[] WebP()
    {
        using var body = new MemoryStream();
        var vp8x = new byte[10];
        vp8x[0] = 0x08; // EXIF present
        RiffChunk(body, "VP8X", vp8x);
        // VP8L 1x1: signature 0x2f, 14-bit width-1 and height-1 (0), alpha 0, version 0, then a tiny bitstream
        RiffChunk(body, "VP8L", [0x2F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        RiffChunk(body, "EXIF", TiffWithGps());
        var payload = body.ToArray();
        var file = new byte[12 + payload.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + payload.Length));
        "WEBP"u8.CopyTo(file.AsSpan(8));
        payload.CopyTo(file, 12);
        return file;
    }

    /// <summary>A big-endian TIFF block: IFD0 with a GPSInfo pointer to a GPS IFD holding GPSLatitudeRef "N".</summary>
    public static byte[] TiffWithGps()
    {
        var t = new byte[8 + 2 + 12 + 4 + 2 + 12 + 4];
        "MM\0*"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(10), 0x8825); // GPSInfo
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(12), 4); // LONG
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(18), 26);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(28), 0x0001); // GPSLatitudeRef
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(30), 2); // ASCII
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(32), 2);
        t[36] = (byte)'N';
        return t;
    }

    /// <summary>A JPEG photo drawn with SkiaSharp: a colour gradient, or a red left half and a blue right half.</summary>
    public static byte[] Photo(int width, int height, bool halves = false)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint())
        {
            if (halves)
            {
                canvas.Clear(SKColors.Blue);
                paint.Color = SKColors.Red;
                canvas.DrawRect(0, 0, width / 2f, height, paint);
            }
            else
            {
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.Orange, SKColors.SkyBlue, SKColors.DarkGreen], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, width, height, paint);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>The JPEG with an APP1 EXIF segment (the given TIFF block) right after its start marker.</summary>
    public static byte[] WithExif(byte[] jpeg, byte[] tiff)
    {
        using var ms = new MemoryStream();
        ms.Write(jpeg.AsSpan(0, 2));
        Segment(ms, 0xE1, [.. "Exif\0\0"u8, .. tiff]);
        ms.Write(jpeg.AsSpan(2));
        return ms.ToArray();
    }

    /// <summary>The JPEG's pixels as a lossy WebP in the extended format (VP8X) with an EXIF chunk carrying GPS.</summary>
    public static byte[] WebPWithExif(byte[] jpeg)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        using var image = SKImage.FromBitmap(bitmap);
        using var simple = image.Encode(SKEncodedImageFormat.Webp, 90);
        // SkiaSharp writes VP8X and an ICC profile chunk of its own: keep only the image chunk.
        var encoded = simple.ToArray();
        var vp8 = Array.Empty<byte>();
        for (var i = 12; i + 8 <= encoded.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(i + 4));
            if (encoded.AsSpan(i, 4).SequenceEqual("VP8 "u8))
            {
                vp8 = encoded[i..(i + 8 + length + (length & 1))];
            }

            i += 8 + length + (length & 1);
        }

        using var body = new MemoryStream();
        var vp8x = new byte[10];
        vp8x[0] = 0x08; // EXIF present
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), (uint)(bitmap.Width - 1)); // 24-bit canvas width - 1
        var height = BitConverter.GetBytes((uint)(bitmap.Height - 1));
        height.AsSpan(0, 3).CopyTo(vp8x.AsSpan(7));
        RiffChunk(body, "VP8X", vp8x);
        body.Write(vp8);
        RiffChunk(body, "EXIF", TiffWithGps());
        var payload = body.ToArray();
        var file = new byte[12 + payload.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + payload.Length));
        "WEBP"u8.CopyTo(file.AsSpan(8));
        payload.CopyTo(file, 12);
        return file;
    }

    /// <summary>A valid, all-black 1-bit greyscale PNG: 20000×20000 compresses to under 50 KB.</summary>
    public static byte[] BlankPng(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(0), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        Chunk(ms, "IHDR", ihdr);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + ((width + 7) / 8)]; // filter none, then zero bits
            for (var y = 0; y < height; y++)
            {
                z.Write(row);
            }
        }

        Chunk(ms, "IDAT", raw.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A big-endian TIFF block: IFD0 with one Orientation entry (1-8).</summary>
    public static byte[] TiffWithOrientation(ushort orientation)
    {
        var t = new byte[8 + 2 + 12 + 4];
        "MM\0*"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(10), 0x0112); // Orientation
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(18), orientation);
        return t;
    }

    /// <summary>Width, height and format of an encoded image, read by SkiaSharp.</summary>
    public static (int Width, int Height, SKEncodedImageFormat Format) Decoded(byte[] bytes)
    {
        using var codec = SKCodec.Create(SKData.CreateCopy(bytes));
        Assert.NotNull(codec);
        return (codec.Info.Width, codec.Info.Height, codec.EncodedFormat);
    }

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { content, "file", fileName } };
    }

    public static async Task<Guid> UploadAsync(HttpClient client, byte[]? bytes = null)
    {
        var response = await client.PostAsync("/api/uploads", Form(bytes ?? Png(), "photo.png", "image/png"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32([.. typeBytes, .. data]));
        s.Write(len);
    }

    private static void Segment(Stream s, byte marker, byte[] data)
    {
        s.Write([0xFF, marker, (byte)((data.Length + 2) >> 8), (byte)((data.Length + 2) & 0xFF)]);
        s.Write(data);
    }

    private static void RiffChunk(Stream s, string fourCc, byte[] data)
    {
        s.Write(Encoding.ASCII.GetBytes(fourCc));
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)data.Length);
        s.Write(len);
        s.Write(data);
        if (data.Length % 2 == 1)
        {
            s.WriteByte(0);
        }
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

using System.Buffers.Binary;
using Points.Domain.Participation;

namespace Points.Infrastructure.Participation;

/// <summary>
/// Recognises JPEG, PNG and WebP by their first bytes and rewrites them without metadata (EXIF,
/// with its GPS position; XMP; IPTC; PNG text chunks). No imaging package is served here, so these
/// are small byte-level walkers over the container formats; pixels are copied untouched. A file
/// whose structure does not parse is refused rather than stored half-cleaned.
/// </summary>
public static class ImageSanitizer
{
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

    /// <summary>The image without metadata, or null when its structure is broken.</summary>
    public static byte[]? Strip(ImageFormat format, byte[] data) => format switch
    {
        ImageFormat.Jpeg => StripJpeg(data),
        ImageFormat.Png => StripPng(data),
        ImageFormat.WebP => StripWebP(data),
        _ => null,
    };

    private static byte[]? StripJpeg(byte[] data)
    {
        using var output = new MemoryStream(data.Length);
        output.Write([0xFF, 0xD8]);
        var i = 2;
        while (i < data.Length)
        {
            if (data[i] != 0xFF)
            {
                return null;
            }

            while (i < data.Length && data[i] == 0xFF)
            {
                i++;
            }

            if (i >= data.Length)
            {
                return null;
            }

            var marker = data[i++];
            if (marker == 0xD9)
            {
                output.Write([0xFF, 0xD9]);
                return output.ToArray();
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                output.Write([0xFF, marker]);
                continue;
            }

            if (i + 2 > data.Length)
            {
                return null;
            }

            var length = (data[i] << 8) | data[i + 1];
            if (length < 2 || i + length > data.Length)
            {
                return null;
            }

            // APP1 carries EXIF (with GPS) and XMP; APP13 carries IPTC/Photoshop data.
            var drop = marker is 0xE1 or 0xED;
            if (!drop)
            {
                output.Write([0xFF, marker]);
                output.Write(data, i, length);
            }

            i += length;
            if (marker == 0xDA)
            {
                // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
                var j = i;
                while (j < data.Length && !(data[j] == 0xFF && j + 1 < data.Length && data[j + 1] != 0x00 && data[j + 1] is not (>= 0xD0 and <= 0xD7)))
                {
                    j++;
                }

                output.Write(data, i, j - i);
                i = j;
            }
        }

        return null;
    }

    private static byte[]? StripPng(byte[] data)
    {
        if (data.Length < PngSignature.Length + 12 || !data.AsSpan(0, 8).SequenceEqual(PngSignature))
        {
            return null;
        }

        using var output = new MemoryStream(data.Length);
        output.Write(PngSignature);
        var i = 8;
        while (i + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(i, 4));
            if (length > (uint)(data.Length - i - 12))
            {
                return null;
            }

            var type = data.AsSpan(i + 4, 4);
            var total = 12 + (int)length;
            var metadata = type.SequenceEqual("eXIf"u8) || type.SequenceEqual("tEXt"u8) || type.SequenceEqual("zTXt"u8) || type.SequenceEqual("iTXt"u8);
            if (!metadata)
            {
                output.Write(data, i, total);
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return output.ToArray();
            }

            i += total;
        }

        return null;
    }

    private static byte[]? StripWebP(byte[] data)
    {
        if (data.Length < 20)
        {
            return null;
        }

        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4, 4));
        var end = (int)Math.Min(data.Length, 8L + riffSize);
        using var chunks = new MemoryStream(data.Length);
        var i = 12;
        var any = false;
        while (i + 8 <= end)
        {
            var fourCc = data.AsSpan(i, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i + 4, 4));
            if (size > (uint)(end - i - 8))
            {
                return null;
            }

            var padded = (int)size + (int)(size & 1);
            var drop = fourCc.SequenceEqual("EXIF"u8) || fourCc.SequenceEqual("XMP "u8);
            if (!drop)
            {
                var start = (int)chunks.Position;
                chunks.Write(data, i, 8 + (int)size);
                if ((size & 1) == 1)
                {
                    chunks.WriteByte(0);
                }

                if (fourCc.SequenceEqual("VP8X"u8) && size >= 1)
                {
                    // Clear the "has EXIF" (0x08) and "has XMP" (0x04) flags now that those chunks are gone.
                    var buffer = chunks.GetBuffer();
                    buffer[start + 8] &= unchecked((byte)~0x0C);
                }

                any = true;
            }

            i += 8 + padded;
        }

        if (!any)
        {
            return null;
        }

        var body = chunks.ToArray();
        var result = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4, 4), (uint)(4 + body.Length));
        "WEBP"u8.CopyTo(result.AsSpan(8));
        body.CopyTo(result, 12);
        return result;
    }
}

namespace Points.Domain.Participation;

/// <summary>Image formats accepted, recognised by their first bytes (never by name or declared type).</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
}

/// <summary>
/// Outcome of the image content check (WeChat media check, wired later). Risky images are hidden
/// from everyone; Review waits for a person.
/// </summary>
public enum ModerationStatus
{
    Pending,
    Pass,
    Review,
    Risky,
}

/// <summary>
/// An uploaded photo, stored re-encoded (JPEG, or PNG when it has transparency) at most
/// <see cref="StoredMaxSide"/> on its longest side and without metadata, so what is served is what
/// was checked. The bytes live behind IFileStorage.
/// </summary>
public sealed class Upload
{
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>Images declaring more pixels than this (40 megapixels) are refused before they are decoded.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>Images declaring a side longer than this are refused before they are decoded.</summary>
    public const int MaxSide = 8000;

    /// <summary>The longest side of what is stored; larger images are scaled down.</summary>
    public const int StoredMaxSide = 2048;

    /// <summary>Whether declared dimensions may be decoded at all.</summary>
    public static bool DimensionsAllowed(int width, int height) =>
        width > 0 && height > 0 && width <= MaxSide && height <= MaxSide && (long)width * height <= MaxPixels;
    public const int StorageKeyMaxLength = 200;
    public const int Sha256Length = 64;
    public const int TraceIdMaxLength = 128;

    private Upload()
    {
        StorageKey = string.Empty;
        Sha256 = string.Empty;
    }

    public Upload(Guid id, Guid ownerId, Guid townId, Guid? communityId, ImageFormat format, long sizeBytes, string storageKey, string sha256, DateTimeOffset now)
    {
        Id = id;
        OwnerId = ownerId;
        TownId = townId;
        CommunityId = communityId;
        Format = format;
        SizeBytes = sizeBytes;
        StorageKey = storageKey;
        Sha256 = sha256;
        Moderation = ModerationStatus.Pending;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid OwnerId { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>The uploader's community; null for town-level staff. Staff of this community may view it.</summary>
    public Guid? CommunityId { get; private set; }

    public ImageFormat Format { get; private set; }

    public long SizeBytes { get; private set; }

    public string StorageKey { get; private set; }

    public string Sha256 { get; private set; }

    public ModerationStatus Moderation { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The WeChat media-check trace_id; its verdict arrives later as a push event carrying it.</summary>
    public string? MediaCheckTraceId { get; private set; }

    public bool IsHidden => Moderation == ModerationStatus.Risky;

    public string ContentType => Format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        _ => "image/webp",
    };

    public void SetModeration(ModerationStatus status) => Moderation = status;

    public void RecordMediaCheck(string traceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(traceId);
        MediaCheckTraceId = traceId.Length > TraceIdMaxLength ? traceId[..TraceIdMaxLength] : traceId;
    }
}

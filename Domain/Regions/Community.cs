using Points.Domain.Common;

namespace Points.Domain.Regions;

/// <summary>A community (村社) inside a town.</summary>
public sealed class Community
{
    public const int NameMaxLength = 64;

    private Community()
    {
        Name = string.Empty;
    }

    public Community(Guid id, Guid townId, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > NameMaxLength)
        {
            throw new ArgumentException("community name is required and at most 64 characters", nameof(name));
        }

        Id = id;
        TownId = townId;
        Name = name;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public string Name { get; private set; }

    /// <summary>When the town retired it: hidden from pickers, its history (residents, ledger, activities) kept.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    public bool IsRetired => RetiredAt is not null;

    public static Result<Community> Create(Guid id, Guid townId, string? name) =>
        RegionNames.Check(name, "community.name_invalid", "村社名称不能为空且不超过64个字") is { } invalid
            ? invalid
            : new Community(id, townId, name!.Trim());

    public Result<Community> Rename(string? name)
    {
        if (RegionNames.Check(name, "community.name_invalid", "村社名称不能为空且不超过64个字") is { } invalid)
        {
            return invalid;
        }

        Name = name!.Trim();
        return this;
    }

    public void Retire(DateTimeOffset now) => RetiredAt ??= now;

    public void Restore() => RetiredAt = null;
}

/// <summary>A grid (网格): the smallest unit, looked after by named staff.</summary>
public sealed class Grid
{
    public const int NameMaxLength = 64;

    private Grid()
    {
        Name = string.Empty;
    }

    public Grid(Guid id, Guid communityId, string name)
    {
        Id = id;
        CommunityId = communityId;
        Name = name;
    }

    public Guid Id { get; private set; }

    public Guid CommunityId { get; private set; }

    public string Name { get; private set; }

    /// <summary>When it was retired: hidden from pickers, residents and history keep pointing at it.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    public bool IsRetired => RetiredAt is not null;

    public static Result<Grid> Create(Guid id, Guid communityId, string? name) =>
        RegionNames.Check(name, "grid.name_invalid", "网格名称不能为空且不超过64个字") is { } invalid
            ? invalid
            : new Grid(id, communityId, name!.Trim());

    public Result<Grid> Rename(string? name)
    {
        if (RegionNames.Check(name, "grid.name_invalid", "网格名称不能为空且不超过64个字") is { } invalid)
        {
            return invalid;
        }

        Name = name!.Trim();
        return this;
    }

    public void Retire(DateTimeOffset now) => RetiredAt ??= now;

    public void Restore() => RetiredAt = null;
}

internal static class RegionNames
{
    public static DomainError? Check(string? name, string code, string title) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > Community.NameMaxLength ? DomainError.Validation(code, title) : null;
}

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
}

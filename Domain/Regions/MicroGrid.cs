using Points.Domain.Common;

namespace Points.Domain.Regions;

/// <summary>What a micro-grid (微网格) covers.</summary>
public enum MicroGridKind
{
    Stairwell,
    Building,
    StreetSegment,
    Workplace,
    Enterprise,
    VillageGroup,
}

/// <summary>
/// A micro-grid (微网格) inside a grid: the fourth level of town → community → grid → micro-grid. A resident's
/// address is a micro-grid; one resident of it may lead it (微网格长).
/// </summary>
public sealed class MicroGrid
{
    public const int NameMaxLength = 64;

    private MicroGrid()
    {
        Name = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    public Guid CommunityId { get; private set; }

    public Guid GridId { get; private set; }

    public string Name { get; private set; }

    public MicroGridKind Kind { get; private set; }

    /// <summary>The resident who leads it (微网格长), if any.</summary>
    public Guid? LeaderId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<MicroGrid> Create(Guid id, Guid townId, Grid grid, string? name, MicroGridKind kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.IsRetired)
        {
            return MicroGridErrors.GridRetired;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > NameMaxLength)
        {
            return MicroGridErrors.NameInvalid;
        }

        if (!Enum.IsDefined(kind))
        {
            return MicroGridErrors.KindInvalid;
        }

        return new MicroGrid { Id = id, TownId = townId, CommunityId = grid.CommunityId, GridId = grid.Id, Name = name.Trim(), Kind = kind, CreatedAt = now };
    }

    /// <summary>Makes a resident whose address is this micro-grid its leader (null: no leader).</summary>
    public Result<MicroGrid> SetLeader(Guid? residentId, Guid? residentsMicroGridId)
    {
        if (residentId is not null && residentsMicroGridId != Id)
        {
            return MicroGridErrors.LeaderNotResident;
        }

        LeaderId = residentId;
        return this;
    }
}

/// <summary>A grid worker's (网格员) assignment to one grid; a worker may hold several.</summary>
public sealed class GridAssignment
{
    private GridAssignment()
    {
    }

    public GridAssignment(Guid gridId, Guid workerId, DateTimeOffset now)
    {
        GridId = gridId;
        WorkerId = workerId;
        AssignedAt = now;
    }

    public Guid GridId { get; private set; }

    public Guid WorkerId { get; private set; }

    public DateTimeOffset AssignedAt { get; private set; }
}

public static class MicroGridErrors
{
    public const int MaxWorkersPerGrid = 20;

    public static readonly DomainError NotFound = DomainError.NotFound("micro_grid.not_found", "微网格不存在");
    public static readonly DomainError GridNotFound = DomainError.NotFound("grid.not_found", "网格不存在");
    public static readonly DomainError GridRetired = DomainError.Conflict("grid.retired", "网格已停用，不能添加微网格");
    public static readonly DomainError NameInvalid = DomainError.Validation("micro_grid.name_invalid", "微网格名称不能为空且不超过64个字");
    public static readonly DomainError KindInvalid = DomainError.Validation("micro_grid.kind_invalid", "微网格类型不正确");
    public static readonly DomainError LeaderNotResident = DomainError.Unprocessable("micro_grid.leader_not_resident", "微网格长须是住在该微网格的居民");
    public static readonly DomainError WorkerInvalid = DomainError.Unprocessable("grid.worker_invalid", "只能指派本镇街的网格员账户");
    public static readonly DomainError TooManyWorkers = DomainError.Validation("grid.too_many_workers", "一个网格最多20名网格员");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("grid.out_of_scope", "只能管理本镇街（村社）的网格");
}

using Points.Domain.Common;

namespace Points.Domain.Polls;

/// <summary>
/// A household (户) is the residents of one micro-grid (a building, a villagers' group…) who share a door number:
/// staff record the room on each resident (<c>PUT /api/residents/{id}/household</c>), after the micro-grid. The key
/// is the micro-grid plus the normalised room, so "3单元502" and " 3单元 502 " are one household.
/// </summary>
public static class Household
{
    public const int RoomMaxLength = 32;

    public static readonly DomainError RoomInvalid = DomainError.Validation("household.room_invalid", "门牌号不能为空且不超过32个字");
    public static readonly DomainError MicroGridMissing = DomainError.Conflict("household.micro_grid_missing", "请先登记居民所在的微网格（楼栋或小组），再登记门牌号");

    public static string NormaliseRoom(string room) =>
        string.Concat((room ?? string.Empty).Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    public static bool IsValidRoom(string? room) => room is not null && NormaliseRoom(room).Length is > 0 and <= RoomMaxLength;

    /// <summary>The household of a resident, or null while their micro-grid or room is not recorded.</summary>
    public static string? Key(Guid? microGridId, string? room) =>
        microGridId is { } m && !string.IsNullOrEmpty(room) ? $"{m:N}:{NormaliseRoom(room)}" : null;
}

namespace Points.Domain.Identity;

/// <summary>
/// Who is acting, as a use case needs to know it: the account, its role and where it belongs. The scope rule lives
/// here once: community staff act only inside their community, town staff and admins inside their town; residents,
/// merchants and banks administer nothing. The Api's caller and a stored account both ask it.
/// </summary>
public sealed record Actor(Guid Id, Role Role, Guid? TownId, Guid? CommunityId)
{
    public bool IsStaff => StaffPolicy.IsStaffRole(Role);

    public bool CanAdminister(Guid townId, Guid communityId) => CanAdminister(Role, TownId, CommunityId, townId, communityId);

    public bool CanAdministerTown(Guid townId) => CanAdministerTown(Role, TownId, townId);

    public static bool CanAdminister(Role role, Guid? ownTown, Guid? ownCommunity, Guid townId, Guid communityId) => role switch
    {
        Role.CommunityStaff => ownCommunity == communityId,
        Role.TownStaff or Role.Admin => ownTown == townId,
        _ => false,
    };

    public static bool CanAdministerTown(Role role, Guid? ownTown, Guid townId) => role is Role.TownStaff or Role.Admin && ownTown == townId;
}

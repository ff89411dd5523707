using Points.Domain.Common;

namespace Points.Domain.Identity;

/// <summary>
/// Everyone who signs in: residents (through WeChat), staff and merchant operators (password).
/// Banks sign in as API clients (<see cref="BankClient"/>) and have no user account.
/// </summary>
public sealed class UserAccount
{
    public const int DisplayNameMaxLength = 32;
    public const int UsernameMaxLength = 64;
    public const int OpenIdMaxLength = 64;
    public const int SecretCipherMaxLength = 512;
    public const int PhoneHashLength = 64;
    public const int CountryCodeMaxLength = 8;

    private UserAccount()
    {
        DisplayName = string.Empty;
    }

    private UserAccount(Guid id, Role role, string displayName, Guid townId, Guid? communityId, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > DisplayNameMaxLength)
        {
            throw new ArgumentException("display name is required and at most 32 characters", nameof(displayName));
        }

        Id = id;
        Role = role;
        DisplayName = displayName;
        TownId = townId;
        CommunityId = communityId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Role Role { get; private set; }

    public string DisplayName { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>The resident's or community staff member's community; null for town-level accounts.</summary>
    public Guid? CommunityId { get; private set; }

    public Guid? GridId { get; private set; }

    /// <summary>The resident's address as a micro-grid (微网格) of their grid; staff set it.</summary>
    public Guid? MicroGridId { get; private set; }

    /// <summary>For merchant operators: the merchant they act for.</summary>
    public Guid? MerchantId { get; private set; }

    public string? WeChatOpenId { get; private set; }

    public string? WeChatUnionId { get; private set; }

    public string? Username { get; private set; }

    public string? PasswordHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Residents may keep their name off the public honour roll.</summary>
    public bool HonorRollOptOut { get; private set; }

    public bool IsActive { get; private set; } = true;

    /// <summary>Set by a password an administrator issued (creation or reset): the holder must choose their own before anything else.</summary>
    public bool MustChangePassword { get; private set; }

    /// <summary>The verified phone number, encrypted at rest (never the plain digits).</summary>
    public string? PhoneCipher { get; private set; }

    /// <summary>Keyed hash of the phone number: finds and keeps unique a number without decrypting.</summary>
    public string? PhoneHash { get; private set; }

    public string? PhoneCountryCode { get; private set; }

    public DateTimeOffset? PhoneVerifiedAt { get; private set; }

    /// <summary>The WeChat session_key of the latest login, encrypted at rest; decrypts legacy encryptedData.</summary>
    public string? SessionKeyCipher { get; private set; }

    public DateTimeOffset? SessionKeyIssuedAt { get; private set; }

    /// <param name="communityId">the community whose invitation the resident used, or null until staff approve their first request</param>
    public static UserAccount NewResident(Guid id, string openId, string? unionId, string displayName, Guid townId, Guid? communityId, Guid? gridId, DateTimeOffset now)
    {
        return new UserAccount(id, Role.Resident, displayName, townId, communityId, now)
        {
            WeChatOpenId = openId,
            WeChatUnionId = unionId,
            GridId = gridId,
        };
    }

    /// <summary>
    /// A resident staff imported from a roster: no WeChat account yet, the phone unverified. The first WeChat login
    /// that verifies the same number claims the record (<see cref="Claim"/>). The caller encrypts and hashes the phone.
    /// </summary>
    public static UserAccount PreRegister(Guid id, string displayName, Guid townId, Guid communityId, Guid? gridId, string phoneCipher, string phoneHash, string countryCode, DateTimeOffset now) =>
        new(id, Role.Resident, displayName, townId, communityId, now)
        {
            GridId = gridId,
            PhoneCipher = phoneCipher,
            PhoneHash = phoneHash,
            PhoneCountryCode = countryCode,
        };

    /// <summary>Imported from a roster and not yet claimed by a WeChat login.</summary>
    public bool IsPreRegistered => Role == Role.Resident && WeChatOpenId is null && PhoneVerifiedAt is null && PhoneHash is not null;

    public static readonly DomainError NotClaimable = DomainError.Conflict("phone.bound_elsewhere", "该手机号已绑定其他账户");

    /// <summary>
    /// This WeChat account verified the phone of a pre-registered record: it takes the record's name, town,
    /// community and grid (the caller then removes the record and binds the phone here).
    /// </summary>
    public Result<UserAccount> Claim(UserAccount preRegistered)
    {
        if (Role != Role.Resident || WeChatOpenId is null || !preRegistered.IsPreRegistered || preRegistered.Id == Id)
        {
            return NotClaimable;
        }

        DisplayName = preRegistered.DisplayName;
        TownId = preRegistered.TownId;
        CommunityId = preRegistered.CommunityId;
        GridId = preRegistered.GridId;
        return this;
    }

    /// <summary>
    /// The other way round, for a pre-registered record that already has history (points, sign-ups or reports made
    /// for the resident by a proxy): the WeChat account <paramref name="fresh"/> moves onto this record, which keeps
    /// its id and history; the caller then retires <paramref name="fresh"/> (<see cref="ReleaseWeChat"/>) first.
    /// </summary>
    public Result<UserAccount> TakeOverWeChat(string? openId, string? unionId)
    {
        if (!IsPreRegistered || string.IsNullOrEmpty(openId))
        {
            return NotClaimable;
        }

        WeChatOpenId = openId;
        WeChatUnionId = unionId;
        return this;
    }

    /// <summary>A fresh WeChat account whose login moved onto a pre-registered record: it keeps no WeChat link and signs in no more.</summary>
    public void ReleaseWeChat()
    {
        WeChatOpenId = null;
        WeChatUnionId = null;
        SessionKeyCipher = null;
        SessionKeyIssuedAt = null;
        IsActive = false;
    }

    public static UserAccount NewStaff(Guid id, Role role, string username, string passwordHash, string displayName, Guid townId, Guid? communityId, Guid? merchantId, DateTimeOffset now)
    {
        if (role is Role.Resident or Role.Bank)
        {
            throw new ArgumentException("staff accounts cannot have the resident or bank role", nameof(role));
        }

        if (role == Role.CommunityStaff && communityId is null)
        {
            throw new ArgumentException("community staff belong to a community", nameof(communityId));
        }

        if (role == Role.Merchant && merchantId is null)
        {
            throw new ArgumentException("merchant operators belong to a merchant", nameof(merchantId));
        }

        return new UserAccount(id, role, displayName, townId, communityId, now)
        {
            Username = username,
            PasswordHash = passwordHash,
            MerchantId = merchantId,
        };
    }

    /// <summary>Keeps the latest login's session key (already encrypted by the caller); an older one no longer decrypts.</summary>
    public void RecordWeChatSession(string sessionKeyCipher, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionKeyCipher);
        SessionKeyCipher = sessionKeyCipher;
        SessionKeyIssuedAt = now;
    }

    /// <summary>Binds a phone number WeChat verified. The caller encrypts and hashes it; Domain never sees keys.</summary>
    public Result<UserAccount> BindPhone(string phoneCipher, string phoneHash, string countryCode, DateTimeOffset now)
    {
        if (Role != Role.Resident)
        {
            return DomainError.Forbidden("phone.residents_only", "只有居民可以绑定手机号");
        }

        if (string.IsNullOrWhiteSpace(phoneCipher) || phoneHash is not { Length: PhoneHashLength })
        {
            return DomainError.Validation("phone.invalid", "手机号无效");
        }

        PhoneCipher = phoneCipher;
        PhoneHash = phoneHash;
        PhoneCountryCode = string.IsNullOrWhiteSpace(countryCode) ? null : countryCode.Length > CountryCodeMaxLength ? countryCode[..CountryCodeMaxLength] : countryCode;
        PhoneVerifiedAt = now;
        return this;
    }

    /// <summary>A password an administrator issued and showed once: the account must change it at its next sign-in.</summary>
    public void IssueOneTimePassword(string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        MustChangePassword = true;
    }

    /// <summary>The holder chose a new password (checked against <see cref="PasswordPolicy"/> by the caller before hashing).</summary>
    public void ChangePassword(string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        MustChangePassword = false;
    }

    /// <summary>A retired account can no longer sign in; its history (reviews, redemptions, audit) keeps its id.</summary>
    public void Retire() => IsActive = false;

    public void Reinstate() => IsActive = true;

    /// <summary>Moves a staff account to another staff role and scope: community staff need a community of the town, town-level roles have none.</summary>
    public Result<UserAccount> AssignStaffRole(Role role, Guid? communityId)
    {
        // Staff and grid workers (both town password accounts) may be moved between these roles.
        if (!StaffPolicy.IsAccountRole(Role) || !StaffPolicy.IsAccountRole(role))
        {
            return StaffPolicy.NotStaff;
        }

        if (role == Role.CommunityStaff && communityId is null)
        {
            return StaffPolicy.CommunityRequired;
        }

        Role = role;
        CommunityId = role == Role.CommunityStaff ? communityId : null;
        GridId = null;
        return this;
    }

    public void SetHonorRollOptOut(bool optOut) => HonorRollOptOut = optOut;

    /// <summary>The resident refuses proxy work (代办): staff can then open no proxy session for them.</summary>
    public bool ProxyRefused { get; private set; }

    public void SetProxyPreference(bool refuse) => ProxyRefused = refuse;

    /// <summary>Carries out an approved <see cref="Regions.CommunityMove"/>: the new community, and its grid when the request named one.</summary>
    public void MoveTo(Regions.CommunityMove approved)
    {
        if (approved.Status != Regions.CommunityMoveStatus.Approved || approved.ResidentId != Id)
        {
            throw new InvalidOperationException("only an approved move of this resident moves them");
        }

        CommunityId = approved.ToCommunityId;
        GridId = approved.ToGridId;
        MicroGridId = null;
        HouseholdRoom = null;
    }

    /// <summary>The door number (门牌号) inside the resident's micro-grid; with it, the household (<see cref="Polls.Household"/>).</summary>
    public string? HouseholdRoom { get; private set; }

    public string? HouseholdKey => Polls.Household.Key(MicroGridId, HouseholdRoom);

    /// <summary>Staff record the resident's door number; null clears it. The micro-grid comes first: a household is a room of one.</summary>
    public Result<UserAccount> SetHouseholdRoom(string? room)
    {
        if (room is null)
        {
            HouseholdRoom = null;
            return this;
        }

        if (!Polls.Household.IsValidRoom(room))
        {
            return Polls.Household.RoomInvalid;
        }

        if (Role != Role.Resident || MicroGridId is null)
        {
            return Polls.Household.MicroGridMissing;
        }

        HouseholdRoom = Polls.Household.NormaliseRoom(room);
        return this;
    }

    /// <summary>Staff record the resident's address as a micro-grid; it also sets their community and grid to the micro-grid's.</summary>
    public Result<UserAccount> SetMicroGrid(Regions.MicroGrid microGrid)
    {
        ArgumentNullException.ThrowIfNull(microGrid);
        if (Role != Role.Resident || microGrid.TownId != TownId)
        {
            return Regions.MicroGridErrors.LeaderNotResident;
        }

        if (MicroGridId != microGrid.Id)
        {
            // Another building or group is another household.
            HouseholdRoom = null;
        }

        CommunityId = microGrid.CommunityId;
        GridId = microGrid.GridId;
        MicroGridId = microGrid.Id;
        return this;
    }

    public Result<UserAccount> Rename(string displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > DisplayNameMaxLength)
        {
            return DomainError.Validation("user.display_name_invalid", "昵称不能为空且不超过32个字");
        }

        DisplayName = displayName.Trim();
        return this;
    }

    /// <summary>The scope rule of <see cref="Actor"/>, for a stored account.</summary>
    public bool CanAdminister(Guid townId, Guid communityId) => Actor.CanAdminister(Role, TownId, CommunityId, townId, communityId);
}

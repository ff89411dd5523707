using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Domain.Ledger;
using Points.Domain.Regions;

namespace Points.Domain.Tests;

public sealed class TownTests
{
    [Fact]
    public void NewTown_HasProductDefaults()
    {
        var town = new Town(Guid.NewGuid(), "演示镇");

        Assert.Equal(50, town.PointsPerYuan);
        Assert.Equal([25], town.MarketDayList);
        Assert.True(town.IsMarketDay(new DateOnly(2026, 11, 25)));
        Assert.False(town.IsMarketDay(new DateOnly(2026, 11, 24)));
    }

    [Theory]
    [InlineData(0, "town.points_per_yuan_invalid")]
    [InlineData(100_001, "town.points_per_yuan_invalid")]
    public void UpdateSettings_RateOutOfRange_Refused(int rate, string code)
    {
        var result = new Town(Guid.NewGuid(), "镇").UpdateSettings(rate, null, null, null);

        Assert.Equal(code, result.Error!.Code);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 32 })]
    public void UpdateSettings_BadMarketDays_Refused(int[] days)
    {
        Assert.Equal("town.market_days_invalid", new Town(Guid.NewGuid(), "镇").UpdateSettings(null, days, null, null).Error!.Code);
    }

    [Fact]
    public void UpdateSettings_MarketDays_SortedAndDeduplicated()
    {
        var town = new Town(Guid.NewGuid(), "镇");

        town.UpdateSettings(null, [25, 5, 25], 300, 3);

        Assert.Equal([5, 25], town.MarketDayList);
        Assert.Equal(300, town.DailyEarningCap);
        Assert.Equal(3, town.RefundWindowDays);
    }
}

public sealed class UserAccountTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static UserAccount Staff(Role role, Guid town, Guid? community) =>
        UserAccount.NewStaff(Guid.NewGuid(), role, "u", "hash", "张三", town, community, null, Now);

    [Fact]
    public void LoginThrottle_AllSourcesRow_HasTheLooserLimit()
    {
        Assert.Equal(LoginThrottle.AllSourcesLimit, LoginThrottle.LimitFor(LoginThrottle.AllSources));
        Assert.Equal(LoginThrottle.PerSourceLimit, LoginThrottle.LimitFor("10.0.0.1"));
        Assert.True(LoginThrottle.AllSourcesLimit > LoginThrottle.PerSourceLimit);
    }

    [Fact]
    public void CommunityStaff_AdministersOnlyOwnCommunity_TownStaffWholeTown()
    {
        var town = Guid.NewGuid();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        Assert.True(Staff(Role.CommunityStaff, town, a).CanAdminister(town, a));
        Assert.False(Staff(Role.CommunityStaff, town, a).CanAdminister(town, b));
        Assert.True(Staff(Role.TownStaff, town, null).CanAdminister(town, b));
        Assert.False(Staff(Role.TownStaff, town, null).CanAdminister(Guid.NewGuid(), b));
        Assert.False(UserAccount.NewResident(Guid.NewGuid(), "o", null, "居民", town, a, null, Now).CanAdminister(town, a));
    }

    [Fact]
    public void NewStaff_CommunityStaffWithoutCommunity_Throws()
    {
        Assert.Throws<ArgumentException>(() => Staff(Role.CommunityStaff, Guid.NewGuid(), null));
        Assert.Throws<ArgumentException>(() => Staff(Role.Resident, Guid.NewGuid(), null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三")]
    public void Rename_Invalid_Refused(string name)
    {
        Assert.Equal("user.display_name_invalid", Staff(Role.Admin, Guid.NewGuid(), null).Rename(name).Error!.Code);
    }
}

public sealed class TransferRequestTests
{
    private static readonly Guid Town = Guid.NewGuid();

    [Theory]
    [InlineData(0L, "points.amount_invalid")]
    [InlineData(-1L, "points.amount_invalid")]
    [InlineData(10_000_001L, "points.amount_too_large")]
    public void Validate_BadAmount(long points, string code)
    {
        var request = new TransferRequest(AccountRef.Issuance(Town), AccountRef.Wallet(Guid.NewGuid(), Town), points, TransferReason.Adjustment, "k");

        Assert.Equal(code, request.Validate()!.Code);
    }

    [Fact]
    public void Validate_SameAccountOrMissingKey_Refused()
    {
        var wallet = AccountRef.Wallet(Guid.NewGuid(), Town);

        Assert.Equal("points.same_account", new TransferRequest(wallet, wallet, 1, TransferReason.Adjustment, "k").Validate()!.Code);
        Assert.Equal("idempotency.key_invalid", new TransferRequest(AccountRef.Issuance(Town), wallet, 1, TransferReason.Adjustment, " ").Validate()!.Code);
        Assert.Null(new TransferRequest(AccountRef.Issuance(Town), wallet, TransferRequest.MaxPoints, TransferReason.Adjustment, "k").Validate());
    }

    [Fact]
    public void Fingerprint_DiffersWhenAnyMaterialFieldDiffers()
    {
        var wallet = AccountRef.Wallet(Guid.NewGuid(), Town);
        var a = new TransferRequest(AccountRef.Issuance(Town), wallet, 10, TransferReason.Adjustment, "k", Note: "x");

        Assert.Equal(a.Fingerprint(), (a with { }).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), (a with { Points = 11 }).Fingerprint());
        Assert.NotEqual(a.Fingerprint(), (a with { Note = "y" }).Fingerprint());
        Assert.Equal(a.Fingerprint(), (a with { IdempotencyKey = "other" }).Fingerprint());
    }
}

public sealed class ShanghaiTimeTests
{
    [Fact]
    public void Today_JustBeforeAndAfterShanghaiMidnight()
    {
        Assert.Equal(new DateOnly(2026, 11, 24), ShanghaiTime.Today(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 23), ShanghaiTime.Today(new DateTimeOffset(2026, 11, 23, 15, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void Month_December_EndsAtNewYearShanghai()
    {
        var (start, end) = ShanghaiTime.Month(2026, 12);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), start.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), end.ToUniversalTime());
    }
}

public sealed class PreRegisteredClaimTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly string Hash = new('a', UserAccount.PhoneHashLength);

    private static UserAccount Record() => UserAccount.PreRegister(Guid.NewGuid(), "陈老伯", Guid.NewGuid(), Guid.NewGuid(), null, "cipher", Hash, "86", Now);

    [Theory]
    [InlineData("wx-open-id", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TakeOverWeChat_PreRegisteredRecord_TakesTheOpenIdOnlyWhenThereIsOne(string? openId, bool taken)
    {
        var record = Record();

        var result = record.TakeOverWeChat(openId, "union");

        Assert.Equal(taken, result.IsSuccess);
        Assert.Equal(taken ? openId : null, record.WeChatOpenId);
        Assert.Equal(!taken, record.IsPreRegistered);
    }

    [Fact]
    public void TakeOverWeChat_ARecordAlreadyClaimed_Refused()
    {
        var record = Record();
        Assert.True(record.TakeOverWeChat("first", null).IsSuccess);

        var again = record.TakeOverWeChat("second", null);

        Assert.Equal("phone.bound_elsewhere", again.Error!.Code);
        Assert.Equal("first", record.WeChatOpenId);
    }

    [Fact]
    public void ReleaseWeChat_TheLoginsOwnAccount_KeepsNoWeChatLinkAndRetires()
    {
        var fresh = UserAccount.NewResident(Guid.NewGuid(), "wx-open-id", "union", "微信用户", Guid.NewGuid(), null, null, Now);

        fresh.ReleaseWeChat();

        Assert.Null(fresh.WeChatOpenId);
        Assert.Null(fresh.WeChatUnionId);
        Assert.False(fresh.IsActive);
    }
}

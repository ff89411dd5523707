using Points.Domain.Ledger;
using Points.Domain.Market;
using Points.Domain.Participation;

namespace Points.Domain.Tests;

public sealed class LedgerRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static Redemption NewRedemption() =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 10, "m:k", "f", Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), Now);

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(7, 7 * 24 * 3600, true)]
    [InlineData(7, (7 * 24 * 3600) + 1, false)]
    [InlineData(0, 1, false)]
    public void CanRefund_AtWindowEdge_AllowsUpToTheLastSecond(int windowDays, int secondsLater, bool allowed)
    {
        var error = NewRedemption().CanRefund(windowDays, Now.AddSeconds(secondsLater));

        Assert.Equal(allowed, error is null);
        if (!allowed)
        {
            Assert.Equal("redemption.refund_window_closed", error!.Code);
        }
    }

    [Fact]
    public void CanRefund_AfterRefund_IsAlreadyRefunded()
    {
        var redemption = NewRedemption();
        Assert.True(redemption.Refund(7, Guid.NewGuid(), Now).IsSuccess);

        Assert.Equal("redemption.already_refunded", redemption.CanRefund(7, Now)!.Code);
    }

    [Theory]
    [InlineData("", 10, 1, "market.item_name_invalid")]
    [InlineData("米", 0, 1, "market.price_invalid")]
    [InlineData("米", 1_000_001, 1, "market.price_invalid")]
    [InlineData("米", 10, -1, "market.stock_invalid")]
    [InlineData("米", 10, 1_000_001, "market.stock_invalid")]
    public void MarketItem_OutOfRange_IsRefused(string name, int price, int stock, string code)
    {
        var created = MarketItem.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), name, null, price, stock, Now);

        Assert.Equal(code, created.Error!.Code);
    }

    [Theory]
    [InlineData(true, ModerationStatus.Pending, true)]
    [InlineData(true, ModerationStatus.Pass, true)]
    [InlineData(true, ModerationStatus.Risky, false)]
    [InlineData(false, ModerationStatus.Pass, false)]
    public void MarketItem_UsePhoto_OnlyAVisibleUploadFromItsTown(bool sameTown, ModerationStatus moderation, bool used)
    {
        var town = Guid.NewGuid();
        var item = MarketItem.Create(Guid.NewGuid(), town, Guid.NewGuid(), "大米", null, 10, 1, Now).Value;
        var upload = new Upload(Guid.NewGuid(), Guid.NewGuid(), sameTown ? town : Guid.NewGuid(), null, ImageFormat.Jpeg, 1000, "k", new string('0', 64), Now);
        upload.SetModeration(moderation);

        var result = item.UsePhoto(upload);

        Assert.Equal(used, result.IsSuccess);
        Assert.Equal(used ? upload.Id : null, item.PhotoId);
        if (!used)
        {
            Assert.Equal("market.photo_invalid", result.Error!.Code);
        }
    }

    [Fact]
    public void MarketItem_UsePhoto_NoUpload_IsRefusedAndRemovePhotoClears()
    {
        var town = Guid.NewGuid();
        var item = MarketItem.Create(Guid.NewGuid(), town, Guid.NewGuid(), "大米", null, 10, 1, Now).Value;
        Assert.Equal("market.photo_invalid", item.UsePhoto(null).Error!.Code);

        Assert.True(item.UsePhoto(new Upload(Guid.NewGuid(), Guid.NewGuid(), town, null, ImageFormat.Png, 1000, "k", new string('0', 64), Now)).IsSuccess);
        item.RemovePhoto();

        Assert.Null(item.PhotoId);
    }

    [Fact]
    public void MarketOrder_PickedUp_CannotBePickedUpOrCancelled()
    {
        var order = new MarketOrder(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 1, 10, "123456", "k", "f", Guid.NewGuid(), Now);

        Assert.True(order.PickUp(Now).IsSuccess);
        Assert.Equal("market.order_not_open", order.PickUp(Now).Error!.Code);
        Assert.Equal("market.order_not_open", order.Cancel(Guid.NewGuid(), Now).Error!.Code);
    }

    [Theory]
    [InlineData(TransferReason.Learning, 5, 10, 100, null)]
    [InlineData(TransferReason.Redemption, 5, null, null, "earning_rule.source_invalid")]
    [InlineData(TransferReason.Declaration, -1, null, null, "earning_rule.value_invalid")]
    [InlineData(TransferReason.Declaration, 1, 1_000_001, null, "earning_rule.value_invalid")]
    public void EarningRule_Validate_OnlyEarningSourcesAndSaneValues(TransferReason source, int points, int? daily, int? monthly, string? code)
    {
        Assert.Equal(code, EarningRule.Validate(source, points, daily, monthly)?.Code);
    }

    [Fact]
    public void Paycode_LivesSixtySeconds()
    {
        var paycode = new Paycode(Guid.NewGuid(), new string('a', 64), Guid.NewGuid(), Guid.NewGuid(), Now);

        Assert.Equal(Now.AddSeconds(60), paycode.ExpiresAt);
        Assert.Null(paycode.UsedAt);
    }
}

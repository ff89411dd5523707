using Points.Domain.Credit;
using Points.Domain.Ledger;

namespace Points.Domain.Tests;

public sealed class CreditConsentTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(CreditConsent.MaxDays, true)]
    [InlineData(CreditConsent.MaxDays + 1, false)]
    public void Grant_Days_FromOneToAYear(int days, bool allowed)
    {
        var result = CreditConsent.Grant(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "贷款审批", days, "h", At.T0);

        Assert.Equal(allowed ? null : CreditErrors.ConsentDaysInvalid, result.Error);
        if (allowed)
        {
            Assert.Equal(At.T0.AddDays(days), result.Value.ExpiresAt);
        }
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public void IsLive_AtExpiry_EndsExactlyAtTheInstant(long ticksFromExpiry, bool live)
    {
        var consent = Build.Consent(Guid.NewGuid());

        Assert.Equal(live, consent.IsLive(consent.ExpiresAt.AddTicks(ticksFromExpiry)));
    }

    [Fact]
    public void Revoke_EndsItAtOnce_ASecondRevocationKeepsTheFirstTime()
    {
        var bank = Guid.NewGuid();
        var consent = Build.Consent(bank);
        Assert.True(consent.AllowsBank(bank, At.T0));
        Assert.False(consent.AllowsBank(Guid.NewGuid(), At.T0));

        consent.Revoke(At.T0.AddHours(1));
        consent.Revoke(At.T0.AddHours(2));

        Assert.Equal(At.T0.AddHours(1), consent.RevokedAt);
        Assert.False(consent.AllowsBank(bank, At.T0.AddHours(1)));
    }

    [Fact]
    public void Grant_BlankPurpose_IsRefused()
    {
        Assert.Equal(CreditErrors.ConsentPurposeInvalid, CreditConsent.Grant(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), " ", 30, "h", At.T0).Error);
    }
}

public sealed class RedemptionTests
{
    [Fact]
    public void Refund_Once_ThenAlreadyRefunded()
    {
        var redemption = Build.Redemption(At.T0);
        var entry = Guid.NewGuid();

        Assert.True(redemption.Refund(7, entry, At.T0.AddDays(1)).IsSuccess);

        Assert.Equal((At.T0.AddDays(1), entry), (redemption.RefundedAt, redemption.RefundEntryId));
        Assert.Equal(Redemption.AlreadyRefunded, redemption.Refund(7, Guid.NewGuid(), At.T0.AddDays(1)).Error);
        Assert.Equal(entry, redemption.RefundEntryId);
    }

    [Fact]
    public void Refund_AfterTheWindow_IsRefusedAndLeavesItUnrefunded()
    {
        var redemption = Build.Redemption(At.T0);

        Assert.Equal(Redemption.RefundWindowClosed, redemption.Refund(7, Guid.NewGuid(), At.T0.AddDays(7).AddTicks(1)).Error);
        Assert.Null(redemption.RefundedAt);
    }

    [Fact]
    public void RefundableUntil_IsTheWindowAfterTheRedemption()
    {
        Assert.Equal(At.T0.AddDays(7), Build.Redemption(At.T0).RefundableUntil(7));
    }
}

public sealed class PaycodeTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(59, true)]
    [InlineData(60, false)]
    [InlineData(61, false)]
    public void CheckUsable_AtExpiry_IsDeadFromSixtySecondsOn(int secondsAfterIssue, bool usable)
    {
        var town = Guid.NewGuid();
        var paycode = Build.Paycode(town, At.T0);

        var refusal = paycode.CheckUsable(At.T0.AddSeconds(secondsAfterIssue), town);

        Assert.Equal(usable ? null : PaycodeErrors.Expired, refusal);
    }

    [Fact]
    public void CheckUsable_JustBeforeExpiry_IsUsable()
    {
        var town = Guid.NewGuid();
        var paycode = Build.Paycode(town, At.T0);

        Assert.Null(paycode.CheckUsable(paycode.ExpiresAt.AddTicks(-1), town));
    }

    [Fact]
    public void CheckUsable_OtherTown_IsRefused_UsedBeatsExpiredBeatsTown()
    {
        var paycode = Build.Paycode(Guid.NewGuid(), At.T0);

        Assert.Equal(PaycodeErrors.OtherTown, paycode.CheckUsable(At.T0, Guid.NewGuid()));
        Assert.Equal(PaycodeErrors.Expired, paycode.CheckUsable(paycode.ExpiresAt, Guid.NewGuid()));
        Assert.Equal(PaycodeErrors.Used, Paycode.CheckUsable(At.T0, paycode.ExpiresAt, paycode.TownId, paycode.ExpiresAt, Guid.NewGuid()));
    }
}

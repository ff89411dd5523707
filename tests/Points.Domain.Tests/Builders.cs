using Points.Domain.Activities;
using Points.Domain.Credit;
using Points.Domain.Ledger;
using Points.Domain.Participation;

namespace Points.Domain.Tests;

/// <summary>Explicit instants only: the tests never read the clock.</summary>
internal static class At
{
    /// <summary>An arbitrary fixed instant (10:00 in Shanghai) the builders count from.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
}

/// <summary>An activity two days after <see cref="At.T0"/>, 09:00–11:00 UTC (two hours), sign-up open from T0 − 1 day until an hour before the start.</summary>
internal sealed class ActivityBuilder
{
    private DateTimeOffset _startsAt = At.T0.AddDays(2);
    private TimeSpan _length = TimeSpan.FromHours(2);
    private DateTimeOffset? _opensAt;
    private DateTimeOffset? _closesAt;
    private DateTimeOffset? _deadline;
    private int _capacity = 10;
    private bool _publish = true;

    public ActivityBuilder StartingAt(DateTimeOffset startsAt)
    {
        _startsAt = startsAt;
        return this;
    }

    public ActivityBuilder Lasting(TimeSpan length)
    {
        _length = length;
        return this;
    }

    public ActivityBuilder SignUpWindow(DateTimeOffset opensAt, DateTimeOffset closesAt)
    {
        _opensAt = opensAt;
        _closesAt = closesAt;
        return this;
    }

    public ActivityBuilder CancellationDeadline(DateTimeOffset deadline)
    {
        _deadline = deadline;
        return this;
    }

    public ActivityBuilder Capacity(int capacity)
    {
        _capacity = capacity;
        return this;
    }

    public ActivityBuilder Draft()
    {
        _publish = false;
        return this;
    }

    public ActivityDetails Details() => new(
        "巡河护河", null, ActivityCategory.RiverPatrol, null, null, null,
        _startsAt, _startsAt + _length,
        _opensAt ?? At.T0.AddDays(-1), _closesAt ?? _startsAt.AddHours(-1),
        _deadline ?? _startsAt.AddDays(-1),
        _capacity, 5, Eligibility.Anyone);

    public Activity Build()
    {
        var activity = Activity.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Details(), Guid.NewGuid(), At.T0.AddDays(-2)).Value;
        if (_publish)
        {
            Assert.True(activity.Publish(At.T0.AddDays(-2)).IsSuccess);
        }

        return activity;
    }
}

internal static class Build
{
    public static ActivityBuilder Activity() => new();

    public static SignUp SignUp(Activity activity) => new(Guid.NewGuid(), activity.Id, Guid.NewGuid(), activity.SignUpOpensAt);

    public static SignUp CheckedIn(Activity activity, DateTimeOffset at)
    {
        var signUp = SignUp(activity);
        Assert.True(signUp.CheckIn(activity, CheckInMethod.Code, at).IsSuccess);
        return signUp;
    }

    public static Declaration Declaration() =>
        Participation.Declaration.Submit(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), DeclarationCategory.GoodDeed, "帮邻居修水管", [], At.T0).Value;

    public static HazardReport Hazard() =>
        HazardReport.Report(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null, HazardCategory.Fire, "楼道堆放杂物", 30.27, 120.15, "一号楼", [], At.T0).Value;

    public static CreditConsent Consent(Guid bankId, int days = 30) =>
        CreditConsent.Grant(Guid.NewGuid(), Guid.NewGuid(), bankId, "贷款审批", days, new string('a', CreditConsent.TokenHashLength), At.T0).Value;

    public static Redemption Redemption(DateTimeOffset at) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 10, "m:k", "f", Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), at);

    public static Paycode Paycode(Guid townId, DateTimeOffset issuedAt) => new(Guid.NewGuid(), new string('b', Ledger.Paycode.HashLength), Guid.NewGuid(), townId, issuedAt);
}

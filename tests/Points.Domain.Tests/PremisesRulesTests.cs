using Points.Domain.Premises;

namespace Points.Domain.Tests;

public sealed class PremisesRulesTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly Guid Town = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Resident = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly DateTimeOffset December = new(2026, 12, 10, 9, 0, 0, Shanghai);

    private static KeyPremises Premises(DateTimeOffset? at = null) => KeyPremises.Create(Guid.NewGuid(), new PremisesDraft("东山小吃店", PremisesKind.Restaurant, "东山路1号"),
        Town, Guid.NewGuid(), null, Resident, "ABCDEFGHJK", Guid.NewGuid(), at ?? December).Value;

    private static PremisesChecklist Checklist(params bool[] critical) => PremisesChecklist.Publish(Guid.NewGuid(), Town, PremisesKind.Restaurant,
        [.. critical.Select((c, i) => new ChecklistItemDraft($"第{i + 1}项", c))], null, Guid.NewGuid(), December).Value;

    /// <summary>Items as C (critical) or n (not), answers as P (pass) or F (fail).</summary>
    [Theory]
    [InlineData("n", "P", PremisesColour.Green)]
    [InlineData("C", "P", PremisesColour.Green)]
    [InlineData("Cnn", "PPP", PremisesColour.Green)]
    [InlineData("Cnn", "PFP", PremisesColour.Yellow)]
    [InlineData("Cnn", "PFF", PremisesColour.Yellow)]
    [InlineData("n", "F", PremisesColour.Yellow)]
    [InlineData("Cnn", "FPP", PremisesColour.Red)]
    [InlineData("Cnn", "FFF", PremisesColour.Red)]
    [InlineData("C", "F", PremisesColour.Red)]
    [InlineData("nnC", "PPF", PremisesColour.Red)]
    public void ColourOf_ByFailedItemKind(string items, string answers, PremisesColour expected)
    {
        var colour = PremisesMonths.ColourOf([.. items.Select(c => c == 'C')], [.. answers.Select(a => a == 'P')]);

        Assert.Equal(expected, colour);
    }

    [Theory]
    [InlineData(null, PremisesColour.Red)]
    [InlineData(PremisesColour.Green, PremisesColour.Green)]
    [InlineData(PremisesColour.Yellow, PremisesColour.Yellow)]
    [InlineData(PremisesColour.Red, PremisesColour.Red)]
    public void Final_NoCheckIsRed_ElseTheLatestCheck(PremisesColour? latest, PremisesColour expected) =>
        Assert.Equal(expected, PremisesMonths.Final(latest));

    [Theory]
    [InlineData(null, null, PremisesColour.Red)]
    [InlineData(null, PremisesColour.Green, PremisesColour.Green)]
    [InlineData(null, PremisesColour.Yellow, PremisesColour.Yellow)]
    [InlineData(PremisesColour.Yellow, PremisesColour.Green, PremisesColour.Yellow)]
    [InlineData(PremisesColour.Green, PremisesColour.Red, PremisesColour.Green)]
    public void Current_ThisMonthsCheck_ThenLastClosedMonth_ElseRed(PremisesColour? thisMonth, PremisesColour? lastClosed, PremisesColour expected) =>
        Assert.Equal(expected, PremisesMonths.Current(thisMonth, lastClosed));

    [Theory]
    [InlineData("", false)]
    [InlineData("G", false)]
    [InlineData("RR", false)]
    [InlineData("RRR", true)]
    [InlineData("GRRR", true)]
    [InlineData("RRRG", false)]
    [InlineData("RYR", false)]
    [InlineData("RRGRR", false)]
    public void CallsForEnforcement_ThreeRedsInARow(string finals, bool expected)
    {
        var colours = finals.Select(c => c switch { 'R' => PremisesColour.Red, 'Y' => PremisesColour.Yellow, _ => PremisesColour.Green }).ToList();

        Assert.Equal(expected, PremisesMonths.CallsForEnforcement(colours));
    }

    /// <summary>Shanghai months: 16:00 UTC on the last day is already the next month's first minute.</summary>
    [Theory]
    [InlineData("2026-11-30T15:59:59Z", "2026-11")]
    [InlineData("2026-11-30T16:00:00Z", "2026-12")]
    [InlineData("2026-12-31T15:59:59Z", "2026-12")]
    [InlineData("2026-12-31T16:00:00Z", "2027-01")]
    [InlineData("2027-02-28T16:00:00Z", "2027-03")]
    [InlineData("2028-02-28T16:00:00Z", "2028-02")]
    public void Of_ShanghaiMonthOfAnInstant(string instant, string month) =>
        Assert.Equal(month, PremisesMonths.Of(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-12", "2026-11-30T16:00:00Z", false)]
    [InlineData("2026-12", "2026-12-31T15:59:59Z", false)]
    [InlineData("2026-12", "2026-12-31T16:00:00Z", true)]
    [InlineData("2026-11", "2026-12-01T00:00:00Z", true)]
    public void HasEnded_AtTheShanghaiMonthEnd(string month, string now, bool ended) =>
        Assert.Equal(ended, PremisesMonths.HasEnded(month, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-12", "2026-12-10T01:00:00Z", null)]
    [InlineData("2026-12", "2026-11-30T16:00:00Z", null)]
    [InlineData("2026-12", "2026-11-30T15:59:59Z", "premises.month_not_open")]
    [InlineData("2026-11", "2026-11-30T16:00:00Z", "premises.month_not_open")]
    [InlineData("2026-13", "2026-12-10T01:00:00Z", "premises.month_invalid")]
    [InlineData("2026-1", "2026-12-10T01:00:00Z", "premises.month_invalid")]
    [InlineData("26-12-01", "2026-12-10T01:00:00Z", "premises.month_invalid")]
    [InlineData(null, "2026-12-10T01:00:00Z", "premises.month_invalid")]
    public void CheckOpen_OnlyTheCurrentShanghaiMonth(string? month, string now, string? code) =>
        Assert.Equal(code, PremisesMonths.CheckOpen(month, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture))?.Code);

    [Theory]
    [InlineData("2026-12", 1, "2026-11")]
    [InlineData("2027-01", 1, "2026-12")]
    [InlineData("2027-02", 2, "2026-12")]
    public void Previous_CrossesYears(string month, int back, string expected) => Assert.Equal(expected, PremisesMonths.Previous(month, back));

    [Fact]
    public void SelfCheck_ByTheResponsibleResident_KeepsChecklistVersionAndAnswers()
    {
        var premises = Premises();
        var list = Checklist(true, false, false);

        var made = PremisesSelfCheck.Make(Guid.NewGuid(), premises, list, Resident, "2026-12", [new(2, true), new(0, true), new(1, false)], [], December);

        Assert.True(made.IsSuccess);
        Assert.Equal("PFP", made.Value.Answers);
        Assert.Equal(PremisesColour.Yellow, made.Value.Colour);
        Assert.Equal(1, made.Value.ChecklistVersion);
    }

    public static TheoryData<int[], string> BadAnswers => new()
    {
        { [], "premises.answers_invalid" },
        { [0, 1], "premises.answers_invalid" },
        { [0, 1, 1], "premises.answers_invalid" },
        { [0, 1, 3], "premises.answers_invalid" },
        { [-1, 0, 1], "premises.answers_invalid" },
        { [0, 1, 2, 3], "premises.answers_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public void SelfCheck_EveryItemOnceOrRefused(int[] items, string code)
    {
        var made = PremisesSelfCheck.Make(Guid.NewGuid(), Premises(), Checklist(true, false, false), Resident, "2026-12",
            [.. items.Select(i => new SelfCheckAnswer(i, true))], [], December);

        Assert.Equal(code, made.Error?.Code);
    }

    [Fact]
    public void SelfCheck_BySomeoneElse_Refused() =>
        Assert.Equal("premises.not_responsible", PremisesSelfCheck.Make(Guid.NewGuid(), Premises(), Checklist(false), Guid.NewGuid(), "2026-12", [new(0, true)], [], December).Error?.Code);

    [Theory]
    [InlineData(0, "premises.checklist_invalid")]
    [InlineData(1, null)]
    [InlineData(PremisesChecklist.MaxItems, null)]
    [InlineData(PremisesChecklist.MaxItems + 1, "premises.checklist_invalid")]
    public void Checklist_ItemCountBounds(int count, string? code)
    {
        var published = PremisesChecklist.Publish(Guid.NewGuid(), Town, PremisesKind.Shop, [.. Enumerable.Range(0, count).Select(i => new ChecklistItemDraft($"项{i}", false))], 3, Guid.NewGuid(), December);

        Assert.Equal(code, published.Error?.Code);
        if (code is null)
        {
            Assert.Equal(4, published.Value.Version);
        }
    }

    [Fact]
    public void FollowUp_ClosesOnceWithANote()
    {
        var followUp = new PremisesFollowUp(Guid.NewGuid(), FollowUpKind.Inspection, Premises(), "2026-11", null, December);

        Assert.Equal("premises.note_invalid", followUp.Close(Guid.NewGuid(), " ", December).Error?.Code);
        Assert.True(followUp.Close(Guid.NewGuid(), "已复查，灭火器已更换", December).IsSuccess);
        Assert.Equal("premises.follow_up_closed", followUp.Close(Guid.NewGuid(), "再次", December).Error?.Code);
    }
}

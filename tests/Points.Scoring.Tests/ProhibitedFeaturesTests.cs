namespace Points.Scoring.Tests;

public class ProhibitedFeaturesTests
{
    [Theory]
    [InlineData("sex")]
    [InlineData("Gender")]
    [InlineData("AGE")]
    [InlineData("userAge")]
    [InlineData("age_years")]
    [InlineData("birthDate")]
    [InlineData("maritalStatus")]
    [InlineData("ethnicGroup")]
    [InlineData("nationality")]
    [InlineData("religion")]
    [InlineData("healthScore")]
    [InlineData("has_disability")]
    [InlineData("medicalHistory")]
    [InlineData("blood_type")]
    [InlineData("geneMarker")]
    [InlineData("fingerprintHash")]
    [InlineData("性别")]
    [InlineData("xingbie")]
    [InlineData("nianling")]
    [InlineData("hunyin_zhuangkuang")]
    [InlineData("minzu")]
    [InlineData("zongjiao")]
    [InlineData("jiankangZhuangkuang")]
    [InlineData("chusheng_riqi")]
    [InlineData("DOB")]
    [InlineData("yob")]
    [InlineData("gndr")]
    [InlineData("身份证号")]
    public void IsProhibited_SensitiveName_ReturnsTrue(string name)
    {
        Assert.True(ProhibitedFeatures.IsProhibited(name));
    }

    [Theory]
    [InlineData("accountAgeDays")]
    [InlineData("averageHours")]
    [InlineData("donationCount")]
    [InlineData("generalScore")]
    [InlineData("messageCount")]
    [InlineData("noShowRate365d")]
    [InlineData("marketVisits")]
    [InlineData("storage")]
    public void IsProhibited_BehaviourName_ReturnsFalse(string name)
    {
        Assert.False(ProhibitedFeatures.IsProhibited(name));
    }

    [Fact]
    public void IsProhibited_EveryBehaviourFeature_ReturnsFalse()
    {
        Assert.DoesNotContain(Points.Scoring.Synthetic.BehaviourFeatures.All, ProhibitedFeatures.IsProhibited);
    }

    private static DataTable WithColumn(DataColumn extra)
    {
        var table = TestData.Rising(500, seed: 1);
        return new DataTable([.. table.Columns, extra], [.. table.Labels]);
    }

    private static DataColumn Texts(string name, params string[] cycle) =>
        DataColumn.Categorical(name, Enumerable.Range(0, 500).Select(i => cycle[i % cycle.Length]).ToArray());

    public static TheoryData<string[]> ProtectedValues => new()
    {
        new[] { "male single", "female div/dep/mar", "male mar/wid", "male div/sep" },
        new[] { "男", "女" },
        new[] { "M", "F" },
        new[] { "已婚", "未婚", "离异" },
        new[] { "汉族", "回族", "壮族" },
        new[] { "none", "buddhist", "christian", "muslim" },
        new[] { "残疾", "无", "慢性病" },
        new[] { "Married", "Single", "Divorced" },
    };

    [Theory]
    [MemberData(nameof(ProtectedValues))]
    public void Fit_ColumnWhoseValuesNameAProtectedAttribute_ThrowsNamingColumnAndIgnore(string[] values)
    {
        var table = WithColumn(Texts("personal", values));

        var e = Assert.Throws<ScoringDataException>(() => Scorecard.Fit(table, new ScorecardOptions()));

        Assert.Contains("\"personal\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("values", e.Message, StringComparison.Ordinal);
        Assert.Contains("--ignore personal", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("purpose", "car", "furniture", "education", "business")]
    [InlineData("month", "Jan", "Mar", "May", "Dec")]
    [InlineData("housing", "own", "rent", "free")]
    [InlineData("activity", "妇女之家活动", "老年大学", "义诊", "健康讲座")]
    public void Find_InnocentCategoricalColumn_FindsNothing(string name, params string[] values)
    {
        var table = WithColumn(Texts(name, values));

        Assert.Empty(ProhibitedFeatures.Find(table, []));
    }

    [Fact]
    public void Fit_ProtectedColumnListedAsIgnored_Fits()
    {
        var table = WithColumn(Texts("age", "young", "old"));
        var byValue = new DataTable([.. table.Columns, Texts("xb", "男", "女")], [.. table.Labels]);

        var card = Scorecard.Fit(byValue, new ScorecardOptions { IgnoreColumns = ["age", "xb"] });

        Assert.DoesNotContain(card.Model.Report!.Features, f => f.Name is "age" or "xb");
    }

    [Fact]
    public void Fit_PinyinName_ThrowsSayingWhy()
    {
        var table = WithColumn(DataColumn.Numeric("nianling", [.. Enumerable.Range(0, 500).Select(i => 20.0 + (i % 50))]));

        var e = Assert.Throws<ScoringDataException>(() => Scorecard.Fit(table, new ScorecardOptions()));

        Assert.Contains("\"nianling\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("age", e.Message, StringComparison.Ordinal);
        Assert.Contains("name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_TableWithGenderColumn_Throws()
    {
        var table = TestData.Rising(500, seed: 1);
        var withGender = new DataTable(
            [.. table.Columns, DataColumn.Categorical("gender", Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? "F" : "M").ToArray())],
            [.. table.Labels]);

        var e = Assert.Throws<ScoringDataException>(() => Scorecard.Fit(withGender, new ScorecardOptions()));
        Assert.Contains("gender", e.Message, StringComparison.Ordinal);
    }
}

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
    public void IsProhibited_BehaviourName_ReturnsFalse(string name)
    {
        Assert.False(ProhibitedFeatures.IsProhibited(name));
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

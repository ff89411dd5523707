namespace Points.Scoring.Tests;

public class DataTableTests
{
    [Fact]
    public void Read_QuotedFieldsAndMissingTokens_ParsesTypesAndMissing()
    {
        const string csv = "id,amount,village,bad\r\n1,\"1,5\",\"Li \"\"East\"\"\",0\r\n2,NA,\"two\nlines\",1\n3,3.5,null,0\n4,,West,1\n";

        var table = CsvTableReader.Read(new StringReader(csv), "bad");

        Assert.Equal(4, table.RowCount);
        Assert.Equal([0, 1, 0, 1], table.Labels);
        Assert.Equal(ColumnKind.Numeric, table["id"].Kind);
        Assert.Equal(ColumnKind.Categorical, table["amount"].Kind);
        Assert.Equal("1,5", table["amount"].Texts![0]);
        Assert.Null(table["amount"].Texts![1]);
        Assert.Equal("Li \"East\"", table["village"].Texts![0]);
        Assert.Equal("two\nlines", table["village"].Texts![1]);
        Assert.Null(table["village"].Texts![2]);
        Assert.Null(table.Find("bad"));
    }

    [Fact]
    public void Read_NumericWithMissing_UsesNaN()
    {
        var table = CsvTableReader.Read(new StringReader("x,y\n1.5,0\nNaN,1\n,0\n-2e3,1\n"), "y");

        var x = table["x"].Numbers!;
        Assert.Equal(1.5, x[0]);
        Assert.True(double.IsNaN(x[1]) && double.IsNaN(x[2]));
        Assert.Equal(-2000, x[3]);
    }

    [Theory]
    [InlineData("x,y\n1,2\n")]
    [InlineData("x,y\n1,\n")]
    [InlineData("x,y\n1,yes\n")]
    public void Read_LabelNotZeroOrOne_Throws(string csv)
    {
        var e = Assert.Throws<ScoringDataException>(() => CsvTableReader.Read(new StringReader(csv), "y"));
        Assert.Contains("0 (good) or 1 (bad)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingLabelColumn_Throws()
    {
        var e = Assert.Throws<ScoringDataException>(() => CsvTableReader.Read(new StringReader("x,y\n1,0\n"), "bad"));
        Assert.Contains("'bad' not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RaggedRecord_Throws()
    {
        Assert.Throws<ScoringDataException>(() => CsvTableReader.Read(new StringReader("x,y\n1,0,3\n"), "y"));
    }

    [Fact]
    public void Read_UnterminatedQuote_Throws()
    {
        Assert.Throws<ScoringDataException>(() => CsvTableReader.Read(new StringReader("x,y\n\"1,0\n"), "y"));
    }

    [Fact]
    public void WriteCsv_ThenRead_RoundTrips()
    {
        var table = new DataTable(
            [DataColumn.Numeric("n", [1.25, double.NaN]), DataColumn.Categorical("c", ["a,b", null])], [1, 0], "bad");
        var writer = new StringWriter();
        table.WriteCsv(writer);

        var back = CsvTableReader.Read(new StringReader(writer.ToString()), "bad");

        Assert.Equal(1.25, back["n"].Numbers![0]);
        Assert.True(double.IsNaN(back["n"].Numbers![1]));
        Assert.Equal("a,b", back["c"].Texts![0]);
        Assert.Null(back["c"].Texts![1]);
        Assert.Equal([1, 0], back.Labels);
    }

    [Fact]
    public void Constructor_LabelOutsideZeroOne_Throws()
    {
        Assert.Throws<ScoringDataException>(() => new DataTable([DataColumn.Numeric("x", [1, 2])], [0, 2]));
    }
}

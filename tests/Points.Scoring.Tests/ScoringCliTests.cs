using System.Globalization;
using System.Text.RegularExpressions;
using Points.Scoring.Cli;

namespace Points.Scoring.Tests;

public sealed class ScoringCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scoring-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(CultureInfo.InvariantCulture);
        var e = new StringWriter(CultureInfo.InvariantCulture);
        var code = ScoringCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void GenerateTrainExplainEvaluate_EndToEnd_Succeed()
    {
        var data = Path.Combine(_dir, "pop.csv");
        var model = Path.Combine(_dir, "model.json");

        var gen = Run("generate", "--rows", "3000", "--seed", "1", "--out", data);
        var train = Run("train", "--data", data, "--label", "bad", "--out", model, "--seed", "1", "--pdo", "20", "--base-score", "600", "--base-odds", "50");
        var explain = Run("explain", "--model", model);
        var evaluate = Run("evaluate", "--data", data, "--label", "bad", "--folds", "3", "--repeats", "2", "--seed", "0");

        Assert.Equal(0, gen.Code);
        Assert.Equal(0, train.Code);
        Assert.Contains("auc_train=", train.Out, StringComparison.Ordinal);
        Assert.Contains("kept", train.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"cv5 seed=1: scorecard auc=0\.\d{4} ks=0\.\d{4}; challenger ml\.net-fasttree auc=0\.\d{4} ks=0\.\d{4}"), train.Out);
        Assert.True(File.Exists(model));
        Assert.Equal(0, explain.Code);
        Assert.Contains("factor 28.8539, offset 487.123", explain.Out, StringComparison.Ordinal);
        Assert.Equal(0, evaluate.Code);
        var lines = evaluate.Out.TrimEnd().Split('\n');
        Assert.Equal(8, lines.Length);
        Assert.All(lines[..6], l => Assert.Matches(new Regex(@" auc=0\.\d{4} ks=0\.\d{4} challenger_auc=0\.\d{4} challenger_ks=0\.\d{4}$"), l));
        Assert.Matches(new Regex(@"^challenger=ml\.net-fasttree auc=0\.\d{4} auc_sd=0\.\d{4} ks=0\.\d{4} ks_sd=0\.\d{4} "), lines[^2]);
        Assert.Matches(new Regex(@"^auc=0\.\d{4} auc_sd=0\.\d{4} ks=0\.\d{4} ks_sd=0\.\d{4}$"), lines[^1]);
    }

    [Fact]
    public void Evaluate_NoChallenger_PrintsOnlyTheScorecard()
    {
        var data = Path.Combine(_dir, "pop.csv");
        Assert.Equal(0, Run("generate", "--rows", "2000", "--seed", "2", "--out", data).Code);

        var evaluate = Run("evaluate", "--data", data, "--label", "bad", "--folds", "2", "--repeats", "1", "--no-challenger");

        Assert.Equal(0, evaluate.Code);
        Assert.DoesNotContain("challenger", evaluate.Out, StringComparison.Ordinal);
        Assert.Equal(3, evaluate.Out.TrimEnd().Split('\n').Length);
    }

    [Theory]
    [InlineData()]
    [InlineData("frobnicate")]
    [InlineData("train", "--data")]
    [InlineData("train", "--label", "bad", "--out", "x.json")]
    [InlineData("evaluate", "--data", "nope.csv", "--label", "bad")]
    [InlineData("evaluate", "--data", "x.csv", "--label", "bad", "--folds", "one")]
    [InlineData("generate", "--rows", "-5", "--seed", "1", "--out", "x.csv")]
    [InlineData("explain", "--model", "missing.json", "--extra", "1")]
    public void Run_BadArguments_ReturnsTwoWithoutStackTrace(params string[] args)
    {
        var (code, _, err) = Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LabelNotBinary_ReturnsTwoWithMessage()
    {
        var data = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(data, "x,y\n1,0\n2,3\n");

        var (code, _, err) = Run("train", "--data", data, "--label", "y", "--out", Path.Combine(_dir, "m.json"));

        Assert.Equal(2, code);
        Assert.Contains("0 (good) or 1 (bad)", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ProhibitedColumnIgnored_Runs()
    {
        var data = Path.Combine(_dir, "pop.csv");
        Assert.Equal(0, Run("generate", "--rows", "1500", "--seed", "2", "--out", data).Code);
        var lines = File.ReadAllLines(data);
        File.WriteAllLines(data, lines.Select((l, i) => l + (i == 0 ? ",age,xingbie" : i % 2 == 0 ? ",30,男" : ",40,女")));

        var refused = Run("evaluate", "--data", data, "--label", "bad", "--folds", "3", "--repeats", "1");
        var ignored = Run("evaluate", "--data", data, "--label", "bad", "--folds", "3", "--repeats", "1", "--ignore", "age,xingbie");

        Assert.Equal(2, refused.Code);
        Assert.Contains("--ignore", refused.Err, StringComparison.Ordinal);
        Assert.True(ignored.Code == 0, ignored.Err);
        Assert.StartsWith("auc=", ignored.Out.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }
}

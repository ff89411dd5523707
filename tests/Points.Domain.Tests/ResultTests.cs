using Points.Domain.Common;

namespace Points.Domain.Tests;

public sealed class ResultTests
{
    private static readonly DomainError Refused = DomainError.Conflict("test.refused", "不行");

    [Fact]
    public void Default_IsNotSuccess_AndHasNoUsableValueOrError()
    {
        var result = default(Result<int>);

        Assert.False(result.IsSuccess);
        Assert.True(result.IsFailure);
        Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.Throws<InvalidOperationException>(() => result.Error);
    }

    [Fact]
    public void Ok_IsSuccess_WithValue_AndNoError()
    {
        Result<string> result = "值";

        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal("值", result.Value);
    }

    [Fact]
    public void Fail_CarriesTheError_AndValueThrows()
    {
        Result<string> result = Refused;

        Assert.False(result.IsSuccess);
        Assert.Same(Refused, result.Error);
        Assert.Throws<InvalidOperationException>(() => result.Value);
    }

    [Fact]
    public void Fail_WithNull_Throws() =>
        Assert.Throws<ArgumentNullException>(() => Result<int>.Fail(null!));
}

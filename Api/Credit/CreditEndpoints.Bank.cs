using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Credit;
using Points.Domain.Identity;
using Points.Infrastructure.Participation;
using Points.Infrastructure.Credit;
using Points.Infrastructure.Persistence;
using Points.Scoring;

namespace Points.Api.Credit;

/// <summary>The bank side: a query by the resident's consent token, and loan outcomes.</summary>
public static partial class CreditEndpoints
{
    public static async Task<Results<Ok<BankCreditResponse>, ProblemHttpResult>> BankQueryAsync(
        string consentToken, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var bankId = principal.Me().BankId;
        if (bankId is null)
        {
            return ConsentRequired();
        }

        var view = await consents.QueryAsync(bankId.Value, consentToken, ct);
        return view.IsSuccess
            ? TypedResults.Ok(new BankCreditResponse(view.Value.Tier, view.Value.TierName, view.Value.Band, view.Value.AsOf, view.Value.ModelVersion, BankCreditResponse.PlatformScope))
            : ConsentRequired();
    }

    /// <summary>The same problem for every refusal; the instance does not echo the token.</summary>
    private static ProblemHttpResult ConsentRequired() => TypedResults.Problem(
        title: CreditErrors.ConsentRequired.Title,
        statusCode: StatusCodes.Status403Forbidden,
        instance: "/api/bank/credit",
        type: "https://points.example/problems/credit.consent_required",
        extensions: new Dictionary<string, object?> { ["code"] = CreditErrors.ConsentRequired.Code });

    public static async Task<Results<Ok<PostOutcomesResponse>, ProblemHttpResult, ValidationProblem>> PostOutcomesAsync(
        PostOutcomesRequest request, ClaimsPrincipal principal, CreditConsentService consents, CancellationToken ct)
    {
        var bankId = principal.Me().BankId;
        if (bankId is null)
        {
            return Problems.Forbidden();
        }

        var items = new List<OutcomeItem>();
        foreach (var (o, i) in request.Outcomes!.Select((o, i) => (o, i)))
        {
            if (o is null || o.LoanDate is null || o.Outcome is null || string.IsNullOrWhiteSpace(o.ExternalRef))
            {
                return Problems.Validation($"outcomes[{i}]", "每条贷款结果须包含放款日期、结果和银行业务编号");
            }

            if (string.IsNullOrWhiteSpace(o.ConsentToken) && o.ResidentId is null)
            {
                return Problems.Validation($"outcomes[{i}]", "请提供居民授权码或居民编号");
            }

            items.Add(new OutcomeItem(o.ConsentToken, o.ResidentId, o.LoanDate.Value, o.Outcome.Value, o.ExternalRef.Trim()));
        }

        var results = await consents.RecordOutcomesAsync(bankId.Value, items, ct);
        return TypedResults.Ok(new PostOutcomesResponse(
            results.Count(r => r.Status == OutcomeItemStatus.Created),
            results.Count(r => r.Status == OutcomeItemStatus.Replayed),
            results.Count(r => r.Status == OutcomeItemStatus.Rejected),
            [.. results.Select(r => new OutcomeResultResponse(r.ExternalRef, r.Status.ToString(), r.Code, r.Title))]));
    }
}

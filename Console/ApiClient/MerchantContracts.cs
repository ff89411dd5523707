namespace Points.Console.ApiClient;

// Twins of the Api's merchant, market, administration and credit records (Api/Ledger, Api/Market, Api/Administration, Api/Credit).

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public sealed record TownResponse(Guid Id, string Name, int PointsPerYuan, IReadOnlyList<int> MarketDays, int DailyEarningCap, int RefundWindowDays);

public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

public sealed record RedeemRequest(string Paycode, long Points, string? Note);

public sealed record RedemptionReceipt(Guid Id, Guid MerchantId, Guid ResidentId, long Points, string? Note, DateTimeOffset At, Guid JournalEntryId, DateTimeOffset? RefundedAt, Guid? RefundEntryId);

public sealed record MerchantRedemptionResponse(Guid Id, DateTimeOffset At, long Points, long Fen, string Resident, string? Note,
    DateTimeOffset? RefundedAt, bool Refundable, DateTimeOffset RefundableUntil);

public sealed record StatementDayResponse(DateOnly Day, int Redemptions, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen,
    int CouponRedemptions = 0, long CouponSubsidyFen = 0, long OwedFen = 0);

public sealed record StatementResponse(Guid MerchantId, string MerchantName, string Month, int PointsPerYuan, long RedeemedPoints, long RefundedPoints, long NetPoints, long NetFen,
    IReadOnlyList<StatementDayResponse> Days, int CouponRedemptions = 0, long CouponSubsidyFen = 0, long OwedFen = 0);

public sealed record CouponRedemptionRequest(string CouponCode, long OrderAmountFen);

public sealed record CouponRedemptionResponse(Guid Id, Guid CouponId, string Title, Guid MerchantId, Guid ResidentId, long OrderAmountFen, long DiscountFen, long PayableFen,
    int PointsCost, Guid? JournalEntryId, DateTimeOffset At);

public sealed record CouponMerchantResponse(Guid Id, string Name);

public sealed record CouponTemplateRequest(string Title, int? PercentOff, long? DiscountFen, int PointsCost, IReadOnlyList<Guid> MerchantIds,
    DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int PerResidentLimit, int TotalCap, int MinActivitiesLastMonth);

public sealed record CouponTemplateResponse(
    Guid Id, Guid TownId, string Title, int? PercentOff, long? DiscountFen, int PointsCost, IReadOnlyList<CouponMerchantResponse> Merchants,
    DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int PerResidentLimit, int TotalCap, int MinActivitiesLastMonth,
    int Issued, int Used, bool Voided, DateTimeOffset? VoidedAt, DateTimeOffset CreatedAt);

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.WeChat;

namespace Points.Api.Auth;

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        // Each route has the limit of its own abuse case (AuthRateLimits); none shares a budget with another.
        var group = app.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/wechat", WeChatLoginAsync).WithName(nameof(WeChatLoginAsync)).WithSummary("小程序登录：code2Session，首次登录创建居民")
            .LimitedBy("wechat", (c, o) => [AuthRateLimits.Address(c, o.WeChatLoginPerAddress)]);
        group.MapPost("/refresh", RefreshAsync).WithName(nameof(RefreshAsync)).WithSummary("轮换刷新令牌；重复使用旧令牌会注销整个令牌族")
            .LimitedBy("refresh", (c, o) => TokenService.FamilyOf(AuthRateLimits.Argument<RefreshRequest>(c)?.RefreshToken) is { } family
                ? [AuthRateLimits.Address(c, o.RefreshPerAddress), ("family:" + family.ToString("N"), o.RefreshPerFamily)]
                : [AuthRateLimits.Address(c, o.RefreshPerAddress)]);
        group.MapPost("/staff", StaffLoginAsync).WithName(nameof(StaffLoginAsync)).WithSummary("工作人员与商户操作员密码登录")
            .LimitedBy("password", (c, o) => AuthRateLimits.Argument<StaffLoginRequest>(c)?.Username is { Length: > 0 } username
                ? [AuthRateLimits.Address(c, o.PasswordPerAddress), ("account:" + username.Trim().ToLowerInvariant(), o.PasswordPerAccount)]
                : [AuthRateLimits.Address(c, o.PasswordPerAddress)]);
        group.MapPost("/token", ClientCredentialsAsync).WithName(nameof(ClientCredentialsAsync)).WithSummary("银行客户端凭证换取访问令牌")
            .LimitedBy("bank", (c, o) => [("client:" + (AuthRateLimits.Argument<ClientCredentialsRequest>(c)?.ClientId ?? "").Trim().ToLowerInvariant(), o.BankTokenPerClient)]);
        if (environment.IsDevelopment())
        {
            group.MapPost("/dev-token", DevTokenAsync).WithName(nameof(DevTokenAsync)).WithSummary("仅开发环境：为任意角色签发令牌")
                .LimitedBy("dev", (c, o) => [AuthRateLimits.Address(c, o.DevTokenPerAddress)]);
        }

        return group;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> WeChatLoginAsync(
        WeChatLoginRequest request, IWeChatClient weChat, PointsDbContext db, TokenService tokens, PersonalDataProtector protector, TimeProvider clock, CancellationToken ct)
    {
        var session = await weChat.Code2SessionAsync(request.Code, ct);
        if (!session.IsSuccess)
        {
            return Problems.From(WeChatLoginError(session.Error));
        }

        var openId = session.Value!.OpenId;
        var user = await db.Users.FirstOrDefaultAsync(u => u.WeChatOpenId == openId, ct);
        if (user is null)
        {
            // A resident belongs to the community whose invitation (its QR code carries communityId) they used. Without
            // one they join the town with no community and ask to join one (POST /api/me/community-moves), which that
            // community's staff approve: never silently the first community in the list.
            var community = request.CommunityId is { } wanted ? await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == wanted, ct) : null;
            if (request.CommunityId is not null && (community is null || community.IsRetired))
            {
                return Problems.From(DomainError.Validation("community.not_found", "所选村社不存在"));
            }

            var townId = community?.TownId ?? await db.Towns.AsNoTracking().OrderBy(t => t.Name).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
            if (townId is null)
            {
                return Problems.From(new DomainError("region.not_configured", "尚未设置任何镇街，暂时无法注册", ErrorKind.Unavailable));
            }

            user = UserAccount.NewResident(Guid.CreateVersion7(), openId, session.Value.UnionId, "微信用户", townId.Value, community?.Id, null, clock.GetUtcNow());
            db.Users.Add(user);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
            {
                // Two first logins raced; the other created the resident.
                db.ChangeTracker.Clear();
                user = await db.Users.FirstAsync(u => u.WeChatOpenId == openId, ct);
            }
        }

        if (!user.IsActive)
        {
            return Problems.From(DomainError.Forbidden("auth.account_disabled", "该账户已停用"));
        }

        // The latest login's session key decrypts legacy encryptedData (phone binding); kept encrypted.
        user.RecordWeChatSession(protector.Protect(session.Value.SessionKey, DataPurposes.WeChatSessionKey, user.Id), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);

        var issued = await tokens.IssueAsync(db, user, ct);
        return TypedResults.Ok(new TokenResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresIn, MeResponse.From(user), MeResponse.From(user)));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, PointsDbContext db, TokenService tokens, CancellationToken ct)
    {
        var (outcome, issued, user) = await tokens.RotateAsync(db, request.RefreshToken, ct);
        return outcome switch
        {
            TokenService.RotationOutcome.Rotated => TypedResults.Ok(new TokenResponse(issued!.AccessToken, issued.RefreshToken, issued.ExpiresIn, user!.Role == Role.Resident ? MeResponse.From(user) : null, MeResponse.From(user))),
            TokenService.RotationOutcome.Reused => Problems.From(new DomainError("auth.refresh_reused", "登录凭证已失效，请重新登录", ErrorKind.Unauthorized)),
            TokenService.RotationOutcome.Expired => Problems.From(new DomainError("auth.refresh_expired", "登录已过期，请重新登录", ErrorKind.Unauthorized)),
            _ => Problems.From(new DomainError("auth.refresh_invalid", "登录凭证无效，请重新登录", ErrorKind.Unauthorized)),
        };
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> StaffLoginAsync(
        StaffLoginRequest request, HttpContext http, PointsDbContext db, TokenService tokens, LoginThrottleService throttle, TimeProvider clock, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == request.Username && u.PasswordHash != null, ct);
        var invalid = new DomainError("auth.invalid_credentials", "用户名或密码错误", ErrorKind.Unauthorized);
        if (user is null)
        {
            SecretHasher.BurnEquivalentTime(request.Password);
            return Problems.From(invalid);
        }

        // The password is checked only after the throttle admitted the attempt, so parallel guesses can't outrun it.
        var admission = await throttle.AdmitAsync(user.Id, ClientAddress.Of(http), ct);
        if (!admission.Admitted)
        {
            return LockedOut(http, admission.LockedUntil, clock.GetUtcNow());
        }

        if (!SecretHasher.Verify(request.Password, user.PasswordHash!))
        {
            var lockedUntil = await throttle.RecordFailureAsync(user.Id, admission, ct);
            return lockedUntil is null ? Problems.From(invalid) : LockedOut(http, lockedUntil, clock.GetUtcNow());
        }

        await throttle.RecordSuccessAsync(user.Id, admission, ct);
        if (!user.IsActive)
        {
            return Problems.From(DomainError.Forbidden("auth.account_disabled", "该账户已停用"));
        }

        var issued = await tokens.IssueAsync(db, user, ct);
        return TypedResults.Ok(new TokenResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresIn, null, MeResponse.From(user)));
    }

    /// <summary>429 for a locked account (with when it opens again), or for one whose allowed attempts are all still being checked.</summary>
    private static ProblemHttpResult LockedOut(HttpContext http, DateTimeOffset? lockedUntil, DateTimeOffset now)
    {
        var seconds = lockedUntil is { } until ? Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return lockedUntil is { } lockEnd
            ? Problems.From(new DomainError("auth.locked_out", "密码错误次数过多，账户已暂时锁定，请15分钟后再试或联系管理员解锁", ErrorKind.TooManyRequests)
                .With("lockedUntil", lockEnd.ToOffset(ShanghaiTime.Offset)))
            : Problems.From(new DomainError("auth.attempts_in_progress", "登录尝试过于频繁，请稍后再试", ErrorKind.TooManyRequests));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> ClientCredentialsAsync(
        ClientCredentialsRequest request, PointsDbContext db, TokenService tokens, CancellationToken ct)
    {
        var bank = await db.BankClients.AsNoTracking().FirstOrDefaultAsync(b => b.ClientId == request.ClientId, ct);
        if (bank is null)
        {
            SecretHasher.BurnEquivalentTime(request.ClientSecret);
        }

        if (bank is null || !bank.IsActive || !SecretHasher.Verify(request.ClientSecret, bank.SecretHash))
        {
            return Problems.From(new DomainError("auth.invalid_client", "客户端凭证无效", ErrorKind.Unauthorized));
        }

        var access = tokens.CreateAccessToken(BankClaims(bank));
        return TypedResults.Ok(new TokenResponse(access, null, tokens.ExpiresInSeconds, null, MeResponse.From(bank)));
    }

    public static IEnumerable<Claim> BankClaims(BankClient bank) =>
    [
        new Claim(PointsClaims.Subject, bank.Id.ToString()),
        new Claim(PointsClaims.Role, nameof(Role.Bank)),
        new Claim(PointsClaims.Bank, bank.Id.ToString()),
    ];

    /// <summary>Development only: a token for any role; an unknown subject creates that account in the first community.</summary>
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> DevTokenAsync(
        DevTokenRequest request, PointsDbContext db, TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var role = request.Role!.Value;
        var subject = request.Subject.Trim();
        var community = await db.Communities.AsNoTracking().OrderBy(c => c.Name).FirstOrDefaultAsync(ct);
        if (community is null)
        {
            return Problems.From(new DomainError("region.not_configured", "尚未设置任何村社", ErrorKind.Unavailable));
        }

        if (role == Role.Bank)
        {
            var bank = await db.BankClients.FirstOrDefaultAsync(b => b.ClientId == subject, ct);
            if (bank is null)
            {
                bank = new BankClient(Guid.CreateVersion7(), subject, subject, SecretHasher.Hash(SecretHasher.NewToken(), 1_000));
                db.BankClients.Add(bank);
                await db.SaveChangesAsync(ct);
            }

            return TypedResults.Ok(new TokenResponse(tokens.CreateAccessToken(BankClaims(bank)), null, tokens.ExpiresInSeconds, null, MeResponse.From(bank)));
        }

        var user = Guid.TryParse(subject, out var id)
            ? await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct)
            : await db.Users.FirstOrDefaultAsync(u => u.Username == subject || u.WeChatOpenId == subject, ct);
        if (user is null)
        {
            var now = clock.GetUtcNow();
            var name = subject.Length > UserAccount.DisplayNameMaxLength ? subject[..UserAccount.DisplayNameMaxLength] : subject;
            if (role == Role.Resident)
            {
                user = UserAccount.NewResident(Guid.CreateVersion7(), subject, null, name, community.TownId, community.Id, null, now);
            }
            else
            {
                Guid? merchantId = null;
                if (role == Role.Merchant)
                {
                    merchantId = await db.Merchants.Where(m => m.TownId == community.TownId).OrderBy(m => m.Name).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
                    if (merchantId is null)
                    {
                        var merchant = new Domain.Identity.Merchant(Guid.CreateVersion7(), community.TownId, subject);
                        db.Merchants.Add(merchant);
                        merchantId = merchant.Id;
                    }
                }

                user = UserAccount.NewStaff(Guid.CreateVersion7(), role, subject, SecretHasher.Hash(SecretHasher.NewToken(), 1_000), name, community.TownId,
                    role is Role.CommunityStaff ? community.Id : null, merchantId, now);
            }

            db.Users.Add(user);
            await db.SaveChangesAsync(ct);
        }
        else if (user.Role != role)
        {
            return Problems.From(DomainError.Conflict("dev.subject_role_mismatch", $"账户 {subject} 已存在且角色为 {user.Role}"));
        }

        var issued = await tokens.IssueAsync(db, user, ct);
        return TypedResults.Ok(new TokenResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresIn, role == Role.Resident ? MeResponse.From(user) : null, MeResponse.From(user)));
    }

    private static DomainError WeChatLoginError(WeChatError error) => error.Kind switch
    {
        WeChatErrorKind.InvalidCode => DomainError.Validation("wechat.code_invalid", "登录凭证无效，请重新打开小程序后再试"),
        WeChatErrorKind.CodeUsed => DomainError.Validation("wechat.code_used", "登录凭证已被使用，请重新登录"),
        WeChatErrorKind.RateLimited => new DomainError("wechat.rate_limited", "登录过于频繁，请稍后再试", ErrorKind.TooManyRequests),
        WeChatErrorKind.Blocked => DomainError.Forbidden("wechat.user_blocked", "该微信账号存在安全风险，暂时无法登录"),
        _ => new DomainError("wechat.unavailable", "微信服务暂时繁忙，请稍后再试", ErrorKind.Unavailable),
    };
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Points.Api.Auth;
using Points.Api.Http;
using Points.Domain.Common;
using Points.Domain.Identity;
using Points.Infrastructure.Identity;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Residents;

namespace Points.Api.WeChat;

public static partial class PhoneEndpoints
{
    public static readonly DomainError PhoneBoundElsewhere = DomainError.Conflict("phone.bound_elsewhere", "该手机号已绑定其他账户");

    public static readonly DomainError ClaimNeedsMerge = DomainError.Conflict("phone.claim_needs_merge",
        "该手机号已由村社登记，且您的微信账户和登记的档案都已有记录，请联系村社工作人员合并");

    /// <summary>
    /// The verified phone belongs to a record staff imported (pre-registered). Whichever account has no history gives
    /// way, so nothing is deleted while a row refers to it: an empty record is merged into this login and removed (the
    /// usual case); a record with history (points or sign-ups made for the resident by a proxy, a micro-grid it leads)
    /// keeps its id and takes this WeChat login over, the login's own empty account retiring, and the answer carries
    /// the record's new session. When both have history they wait for staff.
    /// </summary>
    private static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> ClaimAsync(PointsDbContext db, PersonalDataProtector protector, TokenService tokens,
        UserAccount user, UserAccount holder, string pure, string hash, string countryCode, DateTimeOffset now, CancellationToken ct)
    {
        if (!holder.IsPreRegistered || user.Role != Role.Resident || user.WeChatOpenId is null)
        {
            return Problems.From(PhoneBoundElsewhere);
        }

        var recordHasHistory = await ResidentHistory.ExistsAsync(db, holder.Id, ct);
        var loginHasHistory = recordHasHistory && await ResidentHistory.ExistsAsync(db, user.Id, ct);
        if (loginHasHistory)
        {
            return Problems.From(ClaimNeedsMerge);
        }

        var survivor = recordHasHistory ? holder : user;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (recordHasHistory)
            {
                var (openId, unionId) = (user.WeChatOpenId, user.WeChatUnionId);
                user.ReleaseWeChat();
                await db.SaveChangesAsync(ct); // the open id is unique: free it before the record takes it
                var taken = holder.TakeOverWeChat(openId, unionId);
                if (!taken.IsSuccess)
                {
                    return Problems.From(PhoneBoundElsewhere);
                }

                await db.RefreshTokenFamilies.Where(f => f.UserId == user.Id && f.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(f => f.RevokedAt, now), ct);
            }
            else
            {
                var claimed = user.Claim(holder);
                if (!claimed.IsSuccess)
                {
                    return Problems.From(PhoneBoundElsewhere);
                }

                db.Users.Remove(holder);
                await db.SaveChangesAsync(ct); // the phone hash is unique: the record goes before this account takes the number
            }

            var bound = survivor.BindPhone(protector.Protect(pure, DataPurposes.Phone, survivor.Id), hash, countryCode, now);
            if (!bound.IsSuccess)
            {
                return Problems.From(bound.Error);
            }

            await db.SaveChangesAsync(ct);
            TokenResponse? session = null;
            if (recordHasHistory)
            {
                var issued = await tokens.IssueAsync(db, holder, ct);
                session = new TokenResponse(issued.AccessToken, issued.RefreshToken, issued.ExpiresIn, MeResponse.From(holder), MeResponse.From(holder));
            }

            await tx.CommitAsync(ct);
            return TypedResults.Ok(new PhoneResponse(PhoneNumbers.Mask(pure), survivor.PhoneCountryCode, now.ToOffset(ShanghaiTime.Offset), session));
        }
        catch (DbUpdateException ex) when (DatabaseSetup.IsUniqueViolation(ex))
        {
            // Another login claimed the record at the same moment.
            db.ChangeTracker.Clear();
            return Problems.From(PhoneBoundElsewhere);
        }
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Points.Domain.Common;
using Points.Domain.Credit;
using Points.Infrastructure.Persistence;
using Points.Scoring;
using Points.Scoring.Synthetic;

namespace Points.Infrastructure.Credit;

/// <summary>The scorecard every score is computed with, and its version.</summary>
public sealed record LiveCreditModel(string Version, Scorecard Scorecard);

/// <summary>
/// Holds the active scorecard for the process. Readers take one reference (no locks on the scoring path);
/// activation swaps the whole reference at once, so a score never mixes two models.
/// </summary>
public sealed class CreditModelHolder
{
    private LiveCreditModel? _live;

    public LiveCreditModel? Current => Volatile.Read(ref _live);

    /// <summary>Installs <paramref name="model"/> and returns the one it replaced.</summary>
    public LiveCreditModel? Swap(LiveCreditModel model) => Interlocked.Exchange(ref _live, model);
}

/// <summary>Model versions in the database: seeding expert-1, loading and activating.</summary>
public sealed partial class CreditModelStore(PointsDbContext db, CreditModelHolder holder, TimeProvider clock, ILogger<CreditModelStore> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The live model, loading it from the database on first use.</summary>
    public async Task<LiveCreditModel> LiveAsync(CancellationToken ct) => holder.Current ?? await EnsureActiveAndLoadAsync(ct);

    /// <summary>
    /// Seeds expert-1 as active when no version is active, then loads the active version. Throws when the active
    /// artefact cannot be loaded: that must stop startup rather than fail requests one at a time.
    /// </summary>
    public async Task<LiveCreditModel> EnsureActiveAndLoadAsync(CancellationToken ct)
    {
        var active = await db.CreditModels.AsNoTracking().Where(m => m.IsActive).OrderByDescending(m => m.ActivatedAt).FirstOrDefaultAsync(ct);
        if (active is null)
        {
            active = await SeedExpertAsync(ct);
        }

        var live = Load(active);
        holder.Swap(live);
        LogLoaded(logger, live.Version);
        return live;
    }

    /// <summary>Reloads when another instance activated a different version.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var version = await db.CreditModels.AsNoTracking().Where(m => m.IsActive).OrderByDescending(m => m.ActivatedAt).Select(m => m.Version).FirstOrDefaultAsync(ct);
        if (version is not null && version != holder.Current?.Version)
        {
            await EnsureActiveAndLoadAsync(ct);
        }
    }

    public async Task<Result<LiveCreditModel>> ActivateAsync(string version, CancellationToken ct)
    {
        var model = await db.CreditModels.FirstOrDefaultAsync(m => m.Version == version, ct);
        if (model is null)
        {
            return CreditErrors.ModelNotFound;
        }

        LiveCreditModel live;
        try
        {
            live = Load(model);
        }
        catch (ScoringDataException)
        {
            return CreditErrors.ModelInvalid;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var other in await db.CreditModels.Where(m => m.IsActive && m.Id != model.Id).ToListAsync(ct))
        {
            other.Deactivate();
        }

        await db.SaveChangesAsync(ct);
        model.Activate(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        holder.Swap(live);
        LogLoaded(logger, live.Version);
        return live;
    }

    private static LiveCreditModel Load(CreditModel model)
    {
        var card = Scorecard.FromJson(model.Artefact);
        if (card.ModelVersion != model.Version)
        {
            throw new ScoringDataException($"credit model row {model.Version} holds an artefact of version {card.ModelVersion}");
        }

        return new LiveCreditModel(card.ModelVersion, card);
    }

    private async Task<CreditModel> SeedExpertAsync(CancellationToken ct)
    {
        var existing = await db.CreditModels.FirstOrDefaultAsync(m => m.Version == ExpertScorecard.Version, ct);
        var now = clock.GetUtcNow();
        if (existing is null)
        {
            var card = ExpertScorecard.Create();
            existing = new CreditModel(Guid.CreateVersion7(), card.ModelVersion, CreditModelKind.Expert, card.ToJson(),
                JsonSerializer.Serialize(new { note = "专家评分卡，尚无贷款结果样本，未做统计验证" }, Json),
                JsonSerializer.Serialize(ExpertModelCard(card), Json), now);
            db.CreditModels.Add(existing);
        }

        existing.Activate(now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded at the same moment: use what it stored.
            db.ChangeTracker.Clear();
            return await db.CreditModels.AsNoTracking().Where(m => m.IsActive).OrderByDescending(m => m.ActivatedAt).FirstAsync(ct);
        }

        return existing;
    }

    private static object ExpertModelCard(Scorecard card) => new
    {
        version = card.ModelVersion,
        kind = "Expert",
        purpose = "乡镇居民信用画像：按居民在积分系统中的行为给出分数与等级，经本人授权后供合作银行参考优惠利率",
        dataWindow = new { description = "无训练数据：分值由专家按行为规则设定" },
        features = card.Model.Features.Select(f => new { name = f.Name, displayName = f.DisplayName, bins = f.Bins.Select(b => new { b.Label, b.Points }) }),
        metrics = (object?)null,
        groupComparison = (object?)null,
        impactAssessment = ImpactAssessment.Text,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "credit model {Version} is live")]
    private static partial void LogLoaded(ILogger logger, string version);
}

/// <summary>The fixed parts of the PIPL Art. 55 personal-information impact assessment recorded in every model card.</summary>
public static class ImpactAssessment
{
    public static readonly object Text = new
    {
        legalBasis = "个人信息保护法第13条（本人同意）、第24条（自动化决策透明、公平，本人可要求说明并拒绝仅由自动化作出的决定）、第55条（事前影响评估）；征信业管理条例第13-17条",
        dataMinimisation = "仅使用积分系统内的行为数据（活动参与、志愿服务、申报、隐患上报、负面记录、学习、账户开通时长、获得积分）；不使用性别、年龄、婚姻、民族、宗教、健康、残疾、基因、指纹、血型等信息，训练时由程序校验",
        consent = "银行仅能在居民本人授权期内查询等级与分数段，不能获得具体分数、明细、姓名或证件号；每次查询都留痕并向居民公开",
        transparency = "居民可随时查看自己的分数、等级、主要影响因素及改进建议、历次评分与模型版本",
        humanReview = "居民可对记录提出异议或要求人工复核，工作人员须在20天内答复",
        negativeRecords = "负面记录满5年或被撤销后不再计入；居民可附加说明",
        risks = "参与类特征（志愿时长、活动次数）可能对老年人、外出务工或轮班居民不利；模型卡按村社比较各等级占比，发现明显差异时应调整或停用",
    };
}

/// <summary>Loads the active model before the app serves requests (a broken model stops startup) and follows activations made on other instances.</summary>
public sealed partial class CreditModelLoader(IServiceScopeFactory scopes, ILogger<CreditModelLoader> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditModelStore>().EnsureActiveAndLoadAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CreditModelStore>().RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep serving with the model already loaded.
                LogRefreshFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not refresh the live credit model; keeping the loaded one")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex);
}

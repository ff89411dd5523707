using Microsoft.Extensions.DependencyInjection;
using Points.Domain.Participation;
using Points.Infrastructure.Persistence;
using Points.Infrastructure.Seeding;

namespace Points.Infrastructure.Participation;

/// <summary>Demo data: two articles (one with a quiz, one draft regulation), a pending declaration and a hazard report.</summary>
public sealed class ParticipationSeed : IDemoSeedContributor
{
    public async Task SeedAsync(IServiceProvider services, DemoTown town, CancellationToken ct)
    {
        var db = services.GetRequiredService<PointsDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var townStaff = town.StaffByUsername["town-staff"];

        var article = Article.Create(DemoSeeder.StableId("article:fire-safety"), town.TownId, null, ArticleKind.Article, "冬季用火用电安全须知",
            "冬季取暖用电量大，请勿私拉乱接电线，电动车不进楼道、不入户充电，离家前关闭取暖设备电源。", 5, 30,
            "电动车可以在哪里充电？", ["楼道里", "家中客厅", "集中充电棚"], 2, townStaff, now).Value;
        article.Publish(now);
        var draft = Article.Create(DemoSeeder.StableId("article:village-rules"), town.TownId, null, ArticleKind.DraftRegulation, "《村规民约》修订征求意见稿",
            "第一条 倡导移风易俗，红白喜事从简办理。第二条 垃圾分类投放，门前三包。欢迎村民留言提出修改意见。", 3, 60,
            null, null, null, townStaff, now).Value;
        draft.Publish(now);
        db.Articles.AddRange(article, draft);

        var residentId = town.ResidentIds[0];
        var declaration = Declaration.Submit(DemoSeeder.StableId("declaration:demo"), residentId, town.TownId, town.CommunityIds[0], DeclarationCategory.GoodDeed,
            "在村口帮助迷路的老人联系家属，并陪同等候家属到来。", [], now.AddDays(-1)).Value;
        db.Declarations.Add(declaration);
        db.ParticipationEvents.Add(new TimelineEvent(DemoSeeder.StableId("declaration:demo:submitted"), TimelineSubject.Declaration, declaration.Id, DeclarationAction.Submitted, residentId, null, null, now.AddDays(-1)));

        var reporterId = town.ResidentIds[2];
        var hazard = HazardReport.Report(DemoSeeder.StableId("hazard:demo"), reporterId, town.TownId, town.CommunityIds[0], town.GridIds[1], HazardCategory.Electrical,
            "村道旁电线杆的电线下垂，离地面不到两米。", 30.0312, 120.8731, "东山村村道12号旁", [], now.AddHours(-3)).Value;
        hazard.Schedule(HazardDeadlinePolicy.DefaultUrgency(hazard.Category), HazardDeadlinePolicy.Default, WorkCalendar.WeekdaysOnly, null);
        db.HazardReports.Add(hazard);
        db.ParticipationEvents.Add(new TimelineEvent(DemoSeeder.StableId("hazard:demo:reported"), TimelineSubject.HazardReport, hazard.Id, nameof(HazardStatus.Reported), reporterId, null, null, now.AddHours(-3)));
        await db.SaveChangesAsync(ct);
    }
}

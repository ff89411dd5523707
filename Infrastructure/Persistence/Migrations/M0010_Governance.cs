using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Points.Infrastructure.Persistence.Migrations;

/// <summary>
/// Governance rules (issue #15):
/// <list type="bullet">
/// <item>declarations remember who decided the first level (<c>first_reviewer_id</c>), so the second level is someone
/// else; forwarded declarations get it from their ForwardedToTown timeline step;</item>
/// <item>journal entries record the resident's community and grid when posted, and month-end summaries group by them;
/// existing entries take the resident's community and grid of today (the best record there is);</item>
/// <item>article reads count quiz attempts and when the quiz was passed;</item>
/// <item>credit models record an admin's override of the activation guard (reason, who, when).</item>
/// </list>
/// </summary>
[DbContext(typeof(PointsDbContext))]
[Migration("20261201001000_Governance")]
public sealed class M0010_Governance : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.AddColumn<Guid>("first_reviewer_id", "declarations", nullable: true);
        mb.Sql("""
            UPDATE declarations SET first_reviewer_id = (
                SELECT e.actor_id FROM participation_events e
                WHERE e.subject_id = declarations.id AND e.action = 'ForwardedToTown'
                ORDER BY e.at DESC LIMIT 1)
            WHERE level = 'Town'
            """);

        mb.AddColumn<Guid>("community_id", "journal_entries", nullable: true);
        mb.AddColumn<Guid>("grid_id", "journal_entries", nullable: true);
        mb.Sql("""
            UPDATE journal_entries SET
                community_id = (SELECT u.community_id FROM ledger_accounts a JOIN users u ON u.id = a.owner_id
                    WHERE a.kind = 'ResidentWallet' AND (a.id = journal_entries.credit_account_id OR a.id = journal_entries.debit_account_id) LIMIT 1),
                grid_id = (SELECT u.grid_id FROM ledger_accounts a JOIN users u ON u.id = a.owner_id
                    WHERE a.kind = 'ResidentWallet' AND (a.id = journal_entries.credit_account_id OR a.id = journal_entries.debit_account_id) LIMIT 1)
            """);
        mb.CreateIndex("ix_journal_entries_community_id_occurred_at", "journal_entries", ["community_id", "occurred_at"]);

        mb.AddColumn<int>("quiz_attempts", "article_reads", nullable: false, defaultValue: 0);
        mb.AddColumn<DateTimeOffset>("quiz_passed_at", "article_reads", type: mb.Timestamp(), nullable: true);
        mb.Sql("UPDATE article_reads SET quiz_attempts = 1, quiz_passed_at = completed_at WHERE by_quiz");

        mb.AddColumn<string>("activation_override_reason", "credit_models", maxLength: 500, nullable: true);
        mb.AddColumn<Guid>("activation_overridden_by", "credit_models", nullable: true);
        mb.AddColumn<DateTimeOffset>("activation_overridden_at", "credit_models", type: mb.Timestamp(), nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var mb = migrationBuilder;
        mb.DropColumn("activation_overridden_at", "credit_models");
        mb.DropColumn("activation_overridden_by", "credit_models");
        mb.DropColumn("activation_override_reason", "credit_models");
        mb.DropColumn("quiz_passed_at", "article_reads");
        mb.DropColumn("quiz_attempts", "article_reads");
        mb.DropIndex("ix_journal_entries_community_id_occurred_at", "journal_entries");
        mb.DropColumn("grid_id", "journal_entries");
        mb.DropColumn("community_id", "journal_entries");
        mb.DropColumn("first_reviewer_id", "declarations");
    }
}

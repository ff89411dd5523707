using Points.Console.ApiClient;

namespace Points.Console.Learning;

/// <summary>What the article form edits, as typed; quiz options one a line, the answer counted from 1 as staff read it.</summary>
public sealed class ArticleFormModel
{
    private static readonly string[] Fields = ["kind", "title", "body", "points", "minReadSeconds", "communityId", "quizQuestion", "quizOptions", "quizAnswer"];

    public string Kind { get; set; } = "Article";
    public string? Title { get; set; }
    public string? Body { get; set; }
    public int Points { get; set; } = 2;
    public int MinReadSeconds { get; set; } = 60;
    public string? CommunityId { get; set; }
    public string? QuizQuestion { get; set; }
    public string? QuizOptions { get; set; }
    public int? QuizAnswer { get; set; }

    public bool IsField(string name) => Fields.Contains(name, StringComparer.OrdinalIgnoreCase);

    public CreateArticleRequest ToRequest()
    {
        var hasQuiz = !string.IsNullOrWhiteSpace(QuizQuestion);
        var options = hasQuiz ? (QuizOptions ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        return new CreateArticleRequest(
            Kind, Blank(Title), Blank(Body), Points, MinReadSeconds, Guid.TryParse(CommunityId, out var c) ? c : null,
            hasQuiz ? QuizQuestion!.Trim() : null, options, hasQuiz && QuizAnswer is { } n ? n - 1 : null);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

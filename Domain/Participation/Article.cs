using Points.Domain.Common;

namespace Points.Domain.Participation;

public enum ArticleKind
{
    Article,
    DraftRegulation,
}

public enum ArticleStatus
{
    Draft,
    Published,
}

/// <summary>
/// Something to learn (我要学习) or a draft regulation open for comments (立法意见). A resident earns
/// its points once: by staying at least <see cref="MinReadSeconds"/> between opening and finishing
/// (measured by the server), or by answering its quiz.
/// </summary>
public sealed class Article
{
    public const int TitleMaxLength = 100;
    public const int BodyMaxLength = 20_000;
    public const int QuizQuestionMaxLength = 200;
    public const int QuizOptionsMaxLength = 500;
    public const int MaxPoints = 100;
    public const int MaxReadSeconds = 3600;

    private Article()
    {
        Title = string.Empty;
        Body = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid TownId { get; private set; }

    /// <summary>Null: the whole town reads it.</summary>
    public Guid? CommunityId { get; private set; }

    public ArticleKind Kind { get; private set; }

    public string Title { get; private set; }

    public string Body { get; private set; }

    public int Points { get; private set; }

    public int MinReadSeconds { get; private set; }

    public string? QuizQuestion { get; private set; }

    /// <summary>Quiz options, one per line.</summary>
    public string? QuizOptions { get; private set; }

    public int? QuizAnswer { get; private set; }

    public ArticleStatus Status { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public bool HasQuiz => QuizQuestion is not null && QuizAnswer is not null;

    public IReadOnlyList<string> QuizOptionList => QuizOptions?.Split('\n') ?? [];

    public static Result<Article> Create(Guid id, Guid townId, Guid? communityId, ArticleKind kind, string title, string body, int points, int minReadSeconds,
        string? quizQuestion, IReadOnlyList<string>? quizOptions, int? quizAnswer, Guid createdBy, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > TitleMaxLength || string.IsNullOrWhiteSpace(body) || body.Length > BodyMaxLength)
        {
            return LearningErrors.ContentInvalid;
        }

        if (points is < 0 or > MaxPoints || minReadSeconds is < 0 or > MaxReadSeconds)
        {
            return LearningErrors.PointsInvalid;
        }

        if (quizQuestion is not null)
        {
            if (quizOptions is not { Count: >= 2 and <= 6 } || quizAnswer is null || quizAnswer < 0 || quizAnswer >= quizOptions.Count
                || quizOptions.Any(o => string.IsNullOrWhiteSpace(o) || o.Contains('\n', StringComparison.Ordinal))
                || quizQuestion.Length > QuizQuestionMaxLength || string.Join('\n', quizOptions).Length > QuizOptionsMaxLength)
            {
                return LearningErrors.QuizInvalid;
            }
        }

        return new Article
        {
            Id = id,
            TownId = townId,
            CommunityId = communityId,
            Kind = kind,
            Title = title.Trim(),
            Body = body,
            Points = points,
            MinReadSeconds = minReadSeconds,
            QuizQuestion = quizQuestion?.Trim(),
            QuizOptions = quizQuestion is null ? null : string.Join('\n', quizOptions!.Select(o => o.Trim())),
            QuizAnswer = quizQuestion is null ? null : quizAnswer,
            Status = ArticleStatus.Draft,
            CreatedBy = createdBy,
            CreatedAt = now,
        };
    }

    public Result<Article> Publish(DateTimeOffset now)
    {
        if (Status == ArticleStatus.Published)
        {
            return LearningErrors.AlreadyPublished;
        }

        Status = ArticleStatus.Published;
        PublishedAt = now;
        return this;
    }

    public bool IsVisibleTo(Guid townId, Guid? communityId) =>
        Status == ArticleStatus.Published && TownId == townId && (CommunityId is null || CommunityId == communityId);
}

/// <summary>A resident's one read of an article: opened, then finished (or answered) once.</summary>
public sealed class ArticleRead
{
    /// <summary>A quiz of two options answered at random would pass every time with more attempts than one guess and a retry.</summary>
    public const int MaxQuizAttempts = 2;

    private ArticleRead()
    {
    }

    public ArticleRead(Guid id, Guid articleId, Guid residentId, DateTimeOffset openedAt)
    {
        Id = id;
        ArticleId = articleId;
        ResidentId = residentId;
        OpenedAt = openedAt;
    }

    public Guid Id { get; private set; }

    public Guid ArticleId { get; private set; }

    public Guid ResidentId { get; private set; }

    public DateTimeOffset OpenedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public bool ByQuiz { get; private set; }

    public int? AwardedPoints { get; private set; }

    /// <summary>Quiz answers given so far; also the concurrency token, so parallel answers cannot lose an attempt.</summary>
    public int QuizAttempts { get; private set; }

    public DateTimeOffset? QuizPassedAt { get; private set; }

    public bool IsCompleted => CompletedAt is not null;

    /// <summary>
    /// Points are due only when both hold: the server saw at least the article's minimum reading time, and, when the
    /// article has a quiz, the quiz was answered correctly within <see cref="MaxQuizAttempts"/> attempts.
    /// </summary>
    public Result<ArticleRead> Finish(Article article, DateTimeOffset now)
    {
        if (IsCompleted)
        {
            return LearningErrors.AlreadyCompleted;
        }

        if (article.HasQuiz && QuizPassedAt is null)
        {
            return QuizAttempts >= MaxQuizAttempts ? LearningErrors.QuizAttemptsExhausted : LearningErrors.QuizRequired;
        }

        var read = now - OpenedAt;
        if (read < TimeSpan.FromSeconds(article.MinReadSeconds))
        {
            return LearningErrors.TooFast.With("secondsLeft", SecondsLeft(article, now));
        }

        return this;
    }

    /// <summary>Seconds of reading the server still has to see before points are due (0 when enough).</summary>
    public int SecondsLeft(Article article, DateTimeOffset now) =>
        Math.Max(0, (int)Math.Ceiling((TimeSpan.FromSeconds(article.MinReadSeconds) - (now - OpenedAt)).TotalSeconds));

    /// <summary>
    /// One quiz attempt. A wrong answer uses up an attempt; after <see cref="MaxQuizAttempts"/> wrong answers the
    /// quiz is closed for this resident. Answering again after passing changes nothing (a retry is harmless).
    /// </summary>
    public Result<ArticleRead> Answer(Article article, int answer, DateTimeOffset now)
    {
        if (!article.HasQuiz)
        {
            return LearningErrors.NoQuiz;
        }

        if (QuizPassedAt is not null)
        {
            return this;
        }

        if (IsCompleted)
        {
            return LearningErrors.AlreadyCompleted;
        }

        if (QuizAttempts >= MaxQuizAttempts)
        {
            return LearningErrors.QuizAttemptsExhausted;
        }

        QuizAttempts++;
        if (answer != article.QuizAnswer)
        {
            return QuizAttempts >= MaxQuizAttempts ? LearningErrors.QuizAttemptsExhausted : LearningErrors.QuizWrong.With("attemptsLeft", MaxQuizAttempts - QuizAttempts);
        }

        QuizPassedAt = now;
        return this;
    }

    public void Complete(DateTimeOffset now, bool byQuiz, int awarded)
    {
        CompletedAt = now;
        ByQuiz = byQuiz;
        AwardedPoints = awarded;
    }
}

public enum CommentStatus
{
    Accepted,
    PendingReview,
    Blocked,
}

/// <summary>A resident's comment on a draft regulation, collected for staff after a content check.</summary>
public sealed class ArticleComment
{
    public const int TextMaxLength = 1000;

    private ArticleComment()
    {
        Text = string.Empty;
    }

    public ArticleComment(Guid id, Guid articleId, Guid residentId, string text, CommentStatus status, DateTimeOffset now)
    {
        Id = id;
        ArticleId = articleId;
        ResidentId = residentId;
        Text = text;
        Status = status;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid ArticleId { get; private set; }

    public Guid ResidentId { get; private set; }

    public string Text { get; private set; }

    public CommentStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid? ModeratedBy { get; private set; }

    public Result<ArticleComment> Moderate(bool accept, Guid staffId)
    {
        if (Status != CommentStatus.PendingReview)
        {
            return LearningErrors.CommentNotPending;
        }

        Status = accept ? CommentStatus.Accepted : CommentStatus.Blocked;
        ModeratedBy = staffId;
        return this;
    }
}

public static class LearningErrors
{
    public static readonly DomainError NotFound = DomainError.NotFound("article.not_found", "文章不存在");
    public static readonly DomainError ContentInvalid = DomainError.Validation("article.content_invalid", "标题（不超过100字）和正文不能为空");
    public static readonly DomainError PointsInvalid = DomainError.Validation("article.points_invalid", "积分须在 0 到 100 之间，最短阅读时间须在 0 到 3600 秒之间");
    public static readonly DomainError QuizInvalid = DomainError.Validation("article.quiz_invalid", "题目须有 2 到 6 个选项和一个正确答案");
    public static readonly DomainError AlreadyPublished = DomainError.Conflict("article.already_published", "文章已发布");
    public static readonly DomainError NotOpened = DomainError.Conflict("learning.not_opened", "请先打开文章再完成阅读");
    public static readonly DomainError AlreadyCompleted = DomainError.Conflict("learning.already_completed", "这篇文章已学习过，每篇只计一次积分");
    public static readonly DomainError TooFast = DomainError.Unprocessable("learning.too_fast", "阅读时间不足，请认真阅读后再完成");
    public static readonly DomainError NoQuiz = DomainError.Unprocessable("learning.no_quiz", "这篇文章没有答题");
    public static readonly DomainError QuizWrong = DomainError.Unprocessable("learning.quiz_wrong", "回答不正确，请再读一读");
    public static readonly DomainError QuizAttemptsExhausted = DomainError.Conflict("learning.quiz_attempts_exhausted", "答题次数已用完（每篇最多2次），这篇文章不再计学习积分");
    public static readonly DomainError QuizRequired = DomainError.Unprocessable("learning.quiz_required", "这篇文章需答对题目后才计学习积分");
    public static readonly DomainError NotDraftRegulation = DomainError.Unprocessable("comment.not_open", "只有立法意见征集稿可以留言");
    public static readonly DomainError CommentBlocked = DomainError.Unprocessable("comment.blocked", "留言包含不当内容，未能提交");
    public static readonly DomainError CommentNotPending = DomainError.Conflict("comment.not_pending", "该留言已处理");
    public static readonly DomainError OutOfScope = DomainError.Forbidden("article.out_of_scope", "只能管理本村社（镇街）的文章");
}

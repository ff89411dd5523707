using Points.Console.ApiClient;
using Points.Console.Shell;

namespace Points.Console.Activities;

/// <summary>What the activity form edits: text as typed (times as 2026-12-05 09:00, Shanghai time); the API judges it.</summary>
public sealed class ActivityFormModel
{
    private static readonly string[] Fields = ["title", "category", "address", "startsAt", "endsAt", "signUpClosesAt", "cancellationDeadline", "capacity", "points", "description"];

    public string? Title { get; set; }
    public string? Category { get; set; }
    public string? Address { get; set; }
    public string? StartsAt { get; set; }
    public string? EndsAt { get; set; }
    public string? SignUpClosesAt { get; set; }
    public string? CancellationDeadline { get; set; }
    public int Capacity { get; set; } = 20;
    public int Points { get; set; } = 10;
    public string? Description { get; set; }

    /// <summary>Times that cannot be read, by field: the form shows these itself instead of sending a blank time.</summary>
    public Dictionary<string, string> TimeErrors()
    {
        var errors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, text) in new[] { ("startsAt", StartsAt), ("endsAt", EndsAt), ("signUpClosesAt", SignUpClosesAt), ("cancellationDeadline", CancellationDeadline) })
        {
            if (Format.TimeInputError(text) is { } error)
            {
                errors[field] = error;
            }
        }

        return errors;
    }

    public bool IsField(string name) => Fields.Contains(name, StringComparer.OrdinalIgnoreCase);

    public ActivityRequest ToRequest() => new(
        Blank(Title), Blank(Description), Blank(Category), null, Blank(Address),
        Format.FromLocalInput(StartsAt), Format.FromLocalInput(EndsAt), null, Format.FromLocalInput(SignUpClosesAt), Format.FromLocalInput(CancellationDeadline),
        Capacity, Points);

    public static ActivityFormModel From(ActivityResponse a) => new()
    {
        Title = a.Title, Category = a.Category, Address = a.Address, Description = a.Description,
        StartsAt = Format.LocalInput(a.StartsAt), EndsAt = Format.LocalInput(a.EndsAt),
        SignUpClosesAt = Format.LocalInput(a.SignUpClosesAt), CancellationDeadline = Format.LocalInput(a.CancellationDeadline),
        Capacity = a.Capacity, Points = a.Points,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

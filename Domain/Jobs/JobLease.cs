namespace Points.Domain.Jobs;

/// <summary>
/// A lease on a named scheduled job: the holder may run it until <see cref="ExpiresAt"/>.
/// Taken and renewed with conditional updates so exactly one instance runs each job.
/// </summary>
public sealed class JobLease
{
    public const int NameMaxLength = 64;
    public const int HolderMaxLength = 128;

    private JobLease()
    {
        Name = string.Empty;
        Holder = string.Empty;
    }

    public JobLease(string name, string holder, DateTimeOffset expiresAt)
    {
        Name = name;
        Holder = holder;
        ExpiresAt = expiresAt;
    }

    public string Name { get; private set; }

    public string Holder { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? LastRunAt { get; private set; }
}

namespace Points.Domain.Activities;

public enum ActivityCategory
{
    SafetyPatrol,
    RiverPatrol,
    GarbageSorting,
    TrafficPersuasion,
    Publicity,
    ElderlyCare,
    Other,
}

/// <summary>Who may sign up.</summary>
public enum Eligibility
{
    CommunityResidents,
    TownResidents,
    Anyone,
}

public enum ActivityStatus
{
    Draft,
    Published,
    Cancelled,
    Completed,
}

public enum SignUpStatus
{
    /// <summary>Holds a place.</summary>
    Active,
    Cancelled,
    Attended,
    NoShow,
}

public enum CheckInMethod
{
    Code,
    Staff,

    /// <summary>Scanned a WeChat mini-program code (its scene token).</summary>
    MiniProgramCode,
}

public enum WaitlistStatus
{
    Waiting,
    Promoted,
    Left,
}

public enum AttendanceDecision
{
    Attended,
    NoShow,
}

namespace Points.Domain.Identity;

public static class PhoneNumbers
{
    /// <summary>What a response may show: <c>138****5678</c>. Short or empty numbers are fully hidden.</summary>
    public static string Mask(string? phone) =>
        string.IsNullOrEmpty(phone) || phone.Length < 7 ? "****" : $"{phone[..3]}****{phone[^4..]}";
}

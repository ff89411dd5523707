using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Points.Infrastructure;

namespace Points.Api.Auth;

/// <summary>
/// The HMAC key that signs access tokens, shared by every instance through configuration
/// (<c>Auth:SigningKey</c>). In Development a missing key is generated once and kept in the data folder.
/// </summary>
public static class SigningKey
{
    public const int MinimumBytes = 32;

    public static SymmetricSecurityKey Resolve(IConfiguration configuration, IHostEnvironment environment, string dataDir)
    {
        var configured = configuration["Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Encoding.UTF8.GetBytes(configured);
            if (bytes.Length < MinimumBytes)
            {
                throw new StartupException($"Auth:SigningKey must be at least {MinimumBytes} bytes: set a longer key, the same on every instance.");
            }

            return new SymmetricSecurityKey(bytes);
        }

        if (!environment.IsDevelopment())
        {
            throw new StartupException("Auth:SigningKey is required outside Development (at least 32 bytes, the same on every instance).");
        }

        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "signing.key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
        }

        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()));
    }
}

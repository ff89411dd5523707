using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Points.Domain.Identity;
using Points.Domain.Regions;

namespace Points.Infrastructure.Persistence.Configurations;

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> b)
    {
        b.ToTable("users");
        b.HasKey(x => x.Id);
        b.Property(x => x.Role).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.DisplayName).HasMaxLength(UserAccount.DisplayNameMaxLength).IsRequired();
        b.Property(x => x.WeChatOpenId).HasMaxLength(UserAccount.OpenIdMaxLength);
        b.Property(x => x.WeChatUnionId).HasMaxLength(UserAccount.OpenIdMaxLength);
        b.Property(x => x.Username).HasMaxLength(UserAccount.UsernameMaxLength);
        b.Property(x => x.PasswordHash).HasMaxLength(256);
        b.Property(x => x.PhoneCipher).HasMaxLength(UserAccount.SecretCipherMaxLength);
        b.Property(x => x.PhoneHash).HasMaxLength(UserAccount.PhoneHashLength);
        b.Property(x => x.PhoneCountryCode).HasMaxLength(UserAccount.CountryCodeMaxLength);
        b.Property(x => x.SessionKeyCipher).HasMaxLength(UserAccount.SecretCipherMaxLength);
        b.Property(x => x.HouseholdRoom).HasMaxLength(Points.Domain.Polls.Household.RoomMaxLength);
        b.Ignore(x => x.HouseholdKey);
        b.HasIndex(x => x.WeChatOpenId).IsUnique();
        b.HasIndex(x => x.PhoneHash).IsUnique();
        b.HasIndex(x => x.Username).IsUnique();
        b.HasIndex(x => new { x.CommunityId, x.Role });
        b.HasIndex(x => x.MicroGridId);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MerchantConfiguration : IEntityTypeConfiguration<Merchant>
{
    public void Configure(EntityTypeBuilder<Merchant> b)
    {
        b.ToTable("merchants");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(Merchant.NameMaxLength).IsRequired();
        b.Property(x => x.Address).HasMaxLength(Merchant.AddressMaxLength);
        b.HasOne<Town>().WithMany().HasForeignKey(x => x.TownId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BankClientConfiguration : IEntityTypeConfiguration<BankClient>
{
    public void Configure(EntityTypeBuilder<BankClient> b)
    {
        b.ToTable("bank_clients");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(BankClient.NameMaxLength).IsRequired();
        b.Property(x => x.ClientId).HasMaxLength(BankClient.ClientIdMaxLength).IsRequired();
        b.Property(x => x.SecretHash).HasMaxLength(256).IsRequired();
        b.HasIndex(x => x.ClientId).IsUnique();
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasKey(x => x.Id);
        b.Property(x => x.TokenHash).HasMaxLength(RefreshToken.HashLength).IsRequired();
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.FamilyId);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenFamilyConfiguration : IEntityTypeConfiguration<RefreshTokenFamily>
{
    public void Configure(EntityTypeBuilder<RefreshTokenFamily> b)
    {
        b.ToTable("refresh_token_families");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.UserId);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoginThrottleConfiguration : IEntityTypeConfiguration<LoginThrottle>
{
    public void Configure(EntityTypeBuilder<LoginThrottle> b)
    {
        b.ToTable("login_throttles");
        b.HasKey(x => new { x.UserId, x.Source });
        b.Property(x => x.Source).HasMaxLength(LoginThrottle.SourceMaxLength);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountLockEventConfiguration : IEntityTypeConfiguration<AccountLockEvent>
{
    public void Configure(EntityTypeBuilder<AccountLockEvent> b)
    {
        b.ToTable("account_lock_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(AccountLockEvent.KindMaxLength);
        b.Property(x => x.Source).HasMaxLength(LoginThrottle.SourceMaxLength).IsRequired();
        b.HasIndex(x => new { x.UserId, x.At });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

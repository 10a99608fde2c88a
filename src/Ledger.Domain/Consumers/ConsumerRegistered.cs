namespace Ledger.Domain.Consumers;

public enum RegistrationSource
{
    FirstTraffic,
    PreRegistration,
    BulkImport,
}

/// <summary>A consumer came into being. Actor is null when traffic, not a person, created it.</summary>
public sealed record ConsumerRegistered(
    Guid OrganizationId,
    string EndUserId,
    RegistrationSource Source,
    string? Actor,
    DateTimeOffset RegisteredAt);

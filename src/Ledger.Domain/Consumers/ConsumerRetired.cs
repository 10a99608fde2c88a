namespace Ledger.Domain.Consumers;

/// <summary>
/// A consumer was retired: it leaves the dashboard and loses its override. Its history stays,
/// and traffic naming it again registers it anew.
/// </summary>
public sealed record ConsumerRetired(Guid OrganizationId, string EndUserId, string Actor, DateTimeOffset RetiredAt);

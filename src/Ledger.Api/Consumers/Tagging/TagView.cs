namespace Ledger.Api.Consumers.Tagging;

public sealed record TagView(Guid Id, string EndUserId, string Tag, DateTimeOffset CreatedAt);

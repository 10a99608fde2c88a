namespace Ledger.Domain.ModelPrices;

/// <summary>
/// An organization's own price for a model was set, changed or removed. <see cref="Before"/> and
/// <see cref="After"/> are the organization's own prices: null is none, where the shipped default
/// (<see cref="DefaultModelPrices"/>) applies. Usage settled before <see cref="ChangedAt"/> keeps
/// the cost it was given: a price change never rewrites past spend.
/// </summary>
public sealed record ModelPriceChanged(
    Guid OrganizationId, string Model, ModelPrice? Before, ModelPrice? After, string Actor, DateTimeOffset ChangedAt);

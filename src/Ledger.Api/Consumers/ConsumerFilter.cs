using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Text;

namespace Ledger.Api.Consumers;

/// <summary>Query string of the consumer sub-lists (tags, overrides): the organization and, optionally, one consumer.</summary>
public sealed record ConsumerFilter(string? OrganizationId, string? EndUserId)
{
    public static ValueTask<ConsumerFilter> BindAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var endUserId = q["end_user_id"].ToString();
        return ValueTask.FromResult(new ConsumerFilter(q["organization_id"], endUserId.Length == 0 ? null : VisibleText.Nfc(endUserId)));
    }
}

public sealed class ConsumerFilterValidator : AbstractValidator<ConsumerFilter>
{
    public ConsumerFilterValidator() => RuleFor(f => f.EndUserId).Identifier().When(f => f.EndUserId is not null);
}

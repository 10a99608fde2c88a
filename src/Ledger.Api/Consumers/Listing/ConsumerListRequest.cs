using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Consumers.Listing;
using Ledger.Domain.Text;

namespace Ledger.Api.Consumers.Listing;

/// <summary>Query string of <c>GET /api/consumers</c>.</summary>
public sealed record ConsumerListRequest(string? OrganizationId, string? Search, string? Sort, string? Order, int? Page, string? Scope)
{
    public static ValueTask<ConsumerListRequest> BindAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var page = q["page"].ToString();
        return ValueTask.FromResult(new ConsumerListRequest(
            q["organization_id"], VisibleText.NfcOrNull(q["search"]), q["sort"], q["order"],
            page.Length == 0 ? null : int.TryParse(page, out var p) ? p : -1, q["scope"]));
    }
}

public sealed class ConsumerListRequestValidator : AbstractValidator<ConsumerListRequest>
{
    public ConsumerListRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.Search).MaximumLength(200).Visible();
        RuleFor(r => r.Sort).Must(s => s is null || ConsumerListOrder.Keys.Contains(s))
            .WithMessage($"'sort' must be one of {string.Join(", ", ConsumerListOrder.Keys)}.");
        RuleFor(r => r.Order).Must(o => o is null or "asc" or "desc").WithMessage("'order' must be 'asc' or 'desc'.");
        RuleFor(r => r.Scope).Must(s => s is null or "org" or "mine").WithMessage("'scope' must be 'org' or 'mine'.");
        RuleFor(r => r.Page).GreaterThanOrEqualTo(1).LessThanOrEqualTo(1_000_000)
            .WithMessage("'page' must be a whole number from 1.");
    }
}

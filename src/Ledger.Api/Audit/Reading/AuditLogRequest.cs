using System.Globalization;
using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Text;

namespace Ledger.Api.Audit.Reading;

/// <summary>Query string of <c>GET /api/audit-log</c>. since and until are ISO 8601 dates or times, UTC unless they say otherwise.</summary>
public sealed record AuditLogRequest(
    string? OrganizationId, string? EndUserId, string? Actor, string? Since, string? Until, int? Page)
{
    public static ValueTask<AuditLogRequest> BindAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var page = q["page"].ToString();
        return ValueTask.FromResult(new AuditLogRequest(
            q["organization_id"], VisibleText.NfcOrNull(Empty(q["end_user_id"])), VisibleText.NfcOrNull(Empty(q["actor"])), Empty(q["since"]), Empty(q["until"]),
            page.Length == 0 ? null : int.TryParse(page, out var p) ? p : -1));
    }

    public static DateTimeOffset? Time(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime() : null;

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed class AuditLogRequestValidator : AbstractValidator<AuditLogRequest>
{
    public AuditLogRequestValidator()
    {
        RuleFor(r => r.OrganizationId).NotEmpty();
        RuleFor(r => r.EndUserId).Identifier().When(r => r.EndUserId is not null);
        RuleFor(r => r.Actor).Identifier().When(r => r.Actor is not null);
        RuleFor(r => r.Since).Must(s => AuditLogRequest.Time(s) is not null).When(r => r.Since is not null)
            .WithMessage("'since' must be an ISO 8601 date or time.");
        RuleFor(r => r.Until).Must(s => AuditLogRequest.Time(s) is not null).When(r => r.Until is not null)
            .WithMessage("'until' must be an ISO 8601 date or time.");
        RuleFor(r => r.Page).GreaterThanOrEqualTo(1).LessThanOrEqualTo(1_000_000).WithMessage("'page' must be a whole number from 1.");
    }
}

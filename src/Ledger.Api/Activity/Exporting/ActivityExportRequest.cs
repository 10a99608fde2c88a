using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FluentValidation;
using Ledger.Api.Validation;
using Ledger.Domain.Text;

namespace Ledger.Api.Activity.Exporting;

/// <summary>
/// Query string of <c>GET /v1/activity</c>: filters (<c>user</c>, repeated for any of several,
/// <c>model</c>, <c>key_id</c>,
/// <c>start_date</c>/<c>end_date</c> as UTC days, both included), <c>limit</c> (default 100, at
/// most 1,000) and the <c>cursor</c> a previous page returned.
/// </summary>
public sealed record ActivityExportRequest(
    string[]? Users, string? Model, string? KeyId, string? StartDate, string? EndDate, int? Limit, string? Cursor)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxUsers = 100;

    public static ValueTask<ActivityExportRequest> BindAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var limit = q["limit"].ToString();
        return ValueTask.FromResult(new ActivityExportRequest(
            UserList(q["user"]), Text(q["model"]), Text(q["key_id"]), Empty(q["start_date"]), Empty(q["end_date"]),
            limit.Length == 0 ? null : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : -1,
            Empty(q["cursor"])));
    }

    /// <summary>Where a page ends: the last row's time and request id. Opaque to callers.</summary>
    public sealed record Position(DateTimeOffset OccurredAt, string RequestId)
    {
        public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{OccurredAt.UtcTicks}:{RequestId}"));

        public static Position? Decode(string? cursor)
        {
            if (cursor is null || cursor.Length > 400) return null;
            try
            {
                var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 && long.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks <= DateTimeOffset.MaxValue.UtcTicks && colon < text.Length - 1
                    ? new Position(new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..])
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static string? Text(string? s) => VisibleText.NfcOrNull(Empty(s));

    private static string[]? UserList(Microsoft.Extensions.Primitives.StringValues values)
    {
        string[] users = [.. values.Select(Text).OfType<string>().Distinct(StringComparer.Ordinal)];
        return users.Length == 0 ? null : users;
    }
}

public sealed class ActivityExportRequestValidator : AbstractValidator<ActivityExportRequest>
{
    public ActivityExportRequestValidator()
    {
        RuleFor(r => r.Users).Must(users => users!.Length <= ActivityExportRequest.MaxUsers && users.All(TextRules.IsIdentifier))
            .When(r => r.Users is not null).OverridePropertyName("user")
            .WithMessage($"'user' must be at most {ActivityExportRequest.MaxUsers} ids, each 1 to 200 characters, none of them control or invisible.");
        RuleFor(r => r.KeyId).Identifier().When(r => r.KeyId is not null);
        RuleFor(r => r.Model).MaximumLength(200).Visible().When(r => r.Model is not null);
        RuleFor(r => r.StartDate).Day();
        RuleFor(r => r.EndDate).EndDay(r => r.StartDate);
        RuleFor(r => r.Limit).InclusiveBetween(1, ActivityExportRequest.MaxLimit).When(r => r.Limit is not null)
            .WithMessage($"'limit' must be a whole number from 1 to {ActivityExportRequest.MaxLimit}.");
        RuleFor(r => r.Cursor).Must(c => ActivityExportRequest.Position.Decode(c) is not null).When(r => r.Cursor is not null)
            .WithMessage("'cursor' is not one this endpoint returned.");
    }
}

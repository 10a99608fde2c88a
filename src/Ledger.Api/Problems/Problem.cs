using Ledger.Domain.Decisions;

namespace Ledger.Api.Problems;

/// <summary>The problem documents Ledger answers with; each names the rule that was broken.</summary>
public static class Problem
{
    public static IResult NotFound(string what) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id is visible to this token.");

    public static IResult Forbidden(string field, string detail) => Refused(new Refusal(RefusalKind.Forbidden, field, detail));

    /// <summary>A refused decision as a problem document naming the field and the rule.</summary>
    public static IResult Refused(Refusal refusal)
    {
        var (status, title) = refusal.Kind switch
        {
            RefusalKind.Invalid => (StatusCodes.Status400BadRequest, "The request is invalid."),
            RefusalKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            RefusalKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            RefusalKind.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden"),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        };
        return Results.Problem(statusCode: status, title: title, detail: $"{refusal.Field}: {refusal.Message}",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [refusal.Field] = [refusal.Message] } });
    }

    public static IResult Unavailable(string detail) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable", detail: detail);
}

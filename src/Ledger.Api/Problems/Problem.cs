namespace Ledger.Api.Problems;

/// <summary>The problem documents Ledger answers with; each names the rule that was broken.</summary>
public static class Problem
{
    public static IResult NotFound(string what) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id is visible to this token.");

    public static IResult Unavailable(string detail) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable", detail: detail);
}

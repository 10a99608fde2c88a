using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Ledger.Api.Problems;

/// <summary>
/// Turns unreadable input (malformed JSON, a value of the wrong type, a body over its limit,
/// text that is not UTF-8) into a 400 or 413 problem document instead of a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, field, detail) = exception switch
        {
            RequestBodyTooLargeException e => (StatusCodes.Status413PayloadTooLarge, "body", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => (StatusCodes.Status413PayloadTooLarge, "body", e.Message),
            JsonException e => (StatusCodes.Status400BadRequest, JsonField(e.Path), FirstLine(e.Message)),
            BadHttpRequestException { InnerException: JsonException e } => (StatusCodes.Status400BadRequest, JsonField(e.Path), FirstLine(e.Message)),
            BadHttpRequestException { StatusCode: 400 } e when e.Message.Contains("no body was provided", StringComparison.Ordinal) =>
                (StatusCodes.Status400BadRequest, "body", "A JSON body is required."),
            BadHttpRequestException e => (e.StatusCode, "body", e.Message),
            _ => (0, "", ""),
        };
        if (status == 0) return false;

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request body could not be read.",
                Detail = $"{field}: {detail}",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } },
            },
            Exception = exception,
        });
    }

    /// <summary>"$[3].input_tokens" becomes "records[3].input_tokens"; "$.user" becomes "user".</summary>
    private static string JsonField(string? path) => path switch
    {
        null or "$" => "body",
        _ when path.StartsWith("$[", StringComparison.Ordinal) => "records" + path[1..],
        _ => path.TrimStart('$', '.'),
    };

    /// <summary>System.Text.Json names .NET types in its messages; say what the field should hold instead.</summary>
    private static string FirstLine(string message) => message switch
    {
        _ when message.Contains("could not be mapped", StringComparison.Ordinal) => "unknown field.",
        _ when message.Contains("could not be converted to System.Nullable`1[System.Int", StringComparison.Ordinal) => "expected a whole number.",
        _ when message.Contains("could not be converted to System.Nullable`1[System.Decimal]", StringComparison.Ordinal) => "expected a number.",
        _ when message.Contains("could not be converted to System.Nullable`1[System.DateTimeOffset]", StringComparison.Ordinal) => "expected an ISO 8601 timestamp.",
        _ when message.Contains("could not be converted to System.String", StringComparison.Ordinal) => "expected a string.",
        _ when message.Contains("could not be converted to", StringComparison.Ordinal) => "a value has the wrong type.",
        _ => message.Split('\n')[0].Split(" Path:")[0],
    };
}

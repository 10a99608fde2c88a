using Ledger.Domain.Usage;

namespace Ledger.Ingest.Usage.Settling;

/// <summary>The wire spelling of <see cref="UsageStatus"/>: exactly <c>success</c> or <c>error</c>.</summary>
public static class UsageStatuses
{
    public static bool IsKnown(string? status) => status is "success" or "error";

    public static UsageStatus Parse(string status) => status switch
    {
        "success" => UsageStatus.Success,
        "error" => UsageStatus.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown usage status"),
    };
}

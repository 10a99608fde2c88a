namespace Ledger.Domain.Usage;

public enum UsageStatus
{
    Success,
    Error,
}

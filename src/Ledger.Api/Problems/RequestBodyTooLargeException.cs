namespace Ledger.Api.Problems;

public sealed class RequestBodyTooLargeException(long limit)
    : Exception($"The request body exceeds the limit of {limit} bytes.");

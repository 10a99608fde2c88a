using Ledger.Ingest;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Usage.Settling;

public sealed class UsagePostValidator(IOptions<IngestOptions> options, TimeProvider clock)
    : UsageBatchValidator<UsagePost>(options, clock);

using Ledger.Api.Usage.Settling;
using Ledger.Ingest;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Usage.LiteLlm;

public sealed class LiteLlmPostValidator(IOptions<IngestOptions> options, TimeProvider clock)
    : UsageBatchValidator<LiteLlmPost>(options, clock);

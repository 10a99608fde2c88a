using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;

namespace Ledger.Api.Usage.Otlp;

/// <summary>
/// The attributes usage is read from (GenAI semantic conventions, and Ledger's own <c>ledger.*</c>),
/// found in one pass over a span's or a resource's attributes; all others are passed over.
/// </summary>
public sealed class GenAiAttributes
{
    public AnyValue? InputTokens { get; private set; }
    public AnyValue? OutputTokens { get; private set; }
    public AnyValue? ResponseModel { get; private set; }
    public AnyValue? RequestModel { get; private set; }
    public AnyValue? ProviderName { get; private set; }
    public AnyValue? System { get; private set; }
    public AnyValue? UserId { get; private set; }
    public AnyValue? Cost { get; private set; }
    public AnyValue? KeyId { get; private set; }
    public AnyValue? TeamId { get; private set; }
    public AnyValue? ServiceName { get; private set; }

    public bool HasUsage => InputTokens is not null || OutputTokens is not null;

    public static GenAiAttributes Of(RepeatedField<KeyValue> attributes)
    {
        var found = new GenAiAttributes();
        foreach (var attribute in attributes)
        {
            switch (attribute.Key)
            {
                case "gen_ai.usage.input_tokens": found.InputTokens = attribute.Value; break;
                case "gen_ai.usage.output_tokens": found.OutputTokens = attribute.Value; break;
                case "gen_ai.response.model": found.ResponseModel = attribute.Value; break;
                case "gen_ai.request.model": found.RequestModel = attribute.Value; break;
                case "gen_ai.provider.name": found.ProviderName = attribute.Value; break;
                case "gen_ai.system": found.System = attribute.Value; break;
                case "user.id": found.UserId = attribute.Value; break;
                case "gen_ai.usage.cost": found.Cost = attribute.Value; break;
                case "ledger.key_id": found.KeyId = attribute.Value; break;
                case "ledger.team_id": found.TeamId = attribute.Value; break;
                case "service.name": found.ServiceName = attribute.Value; break;
            }
        }
        return found;
    }
}

using OpenTelemetry;
using Span = System.Diagnostics.Activity;

namespace Ledger.Api.Telemetry;

/// <summary>
/// Takes URLs out of every span before it is exported, as the request log leaves them out: a
/// request's path carries consumer ids and its query string searches, and a webhook's URL can hold
/// the receiver's own secret. The span's name and <c>http.route</c> (or <c>server.address</c>) still say what it was.
/// </summary>
public sealed class UrlRedaction : BaseProcessor<Span>
{
    private static readonly string[] Tags = ["url.full", "url.path", "url.query"];

    public override void OnEnd(Span data)
    {
        foreach (var tag in Tags)
            if (data.GetTagItem(tag) is not null) data.SetTag(tag, null);
    }
}

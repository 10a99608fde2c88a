using Ledger.Domain.Admissions;
using Ledger.Ingest.Admissions;
using Ledger.Tests.Infrastructure;
using Npgsql;
using static Ledger.Tests.Admissions.AdmissionsApi;

namespace Ledger.Tests.Admissions;

/// <summary>Admission events go through an outbox written in the admission's transaction.</summary>
[Collection(LedgerCollection.Name)]
public sealed class AdmissionEventsTests(LedgerApp app)
{
    [Fact]
    public async Task an_event_left_in_the_outbox_by_a_node_that_stopped_is_appended_by_a_running_one_exactly_once()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var now = DateTimeOffset.UtcNow;
        var left = new RequestRejected(org.Id, "req-left", "key_prod_1", null, "tenant_acme", "gpt-4o",
            CapScope.Consumer, LimitKind.Rpm, 5m, 5m, now);
        var (type, body) = AdmissionEventPublisher.Serialize(left);
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "insert into ledger.admission_outbox (organization_id, type, body) values ($1, $2, $3::jsonb)", connection);
            insert.Parameters.AddWithValue(org.Id);
            insert.Parameters.AddWithValue(type);
            insert.Parameters.AddWithValue(body);
            await insert.ExecuteNonQueryAsync();
        }

        // Nothing wakes the publisher for a row it did not write: its periodic sweep finds it.
        Assert.Equal(1, await EventsAppendedAsync(app, org.Id, "request_rejected"));
        await using var session = app.Store.QuerySession();
        var stored = await Marten.QueryableExtensions.SingleAsync(session.Events.QueryRawEventDataOnly<RequestRejected>()
            .Where(e => e.OrganizationId == org.Id));
        Assert.Equal(left, stored);
    }
}

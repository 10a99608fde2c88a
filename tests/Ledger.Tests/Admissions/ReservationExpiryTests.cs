using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;

namespace Ledger.Tests.Admissions;

/// <summary>Reservations whose usage never settles, as after a gateway or node crash, with a two-second lifetime.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ReservationExpiryTests(LedgerApp app)
{
    private static readonly Dictionary<string, string> ShortLived = new()
    {
        ["Ledger:Admissions:ReservationTtl"] = "00:00:02",
        ["Ledger:Admissions:ExpirySweepInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task a_reservation_that_never_settles_is_released_by_expiry_and_its_budget_frees_up()
    {
        await using var node = new LedgerApp { Settings = ShortLived };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 1.00m })).JsonAsync(HttpStatusCode.OK);

        var first = await AdmittedAsync(ingest, "req-1", cost: 0.60m);
        Assert.InRange(first.GetProperty("expires_at").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        await AdmittedAsync(ingest, "req-2", cost: 0.60m);
        await (await AdmitAsync(ingest, "req-3", cost: 0.60m)).ProblemAsync(HttpStatusCode.PaymentRequired);

        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);

        Assert.Equal(2, await EventsAsync(app, org.Id, "reservation_released"));
        await AdmittedAsync(ingest, "req-4", cost: 0.60m);
    }

    [Fact]
    public async Task reservations_left_open_by_a_stopped_node_are_released_by_another()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await using (var stopped = new LedgerApp { Settings = ShortLived })
        {
            await stopped.InitializeAsync();
            var ingest = stopped.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
            for (var i = 0; i < 3; i++) await AdmittedAsync(ingest, $"req-{i}", cost: 0.10m);
        }
        Assert.Equal(3, await OpenReservationsAsync(app, org.Id));

        await using var survivor = new LedgerApp { Settings = ShortLived };
        await survivor.InitializeAsync();

        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);
        Assert.Equal(3, await EventsAsync(app, org.Id, "reservation_released"));
    }

    [Fact]
    public async Task a_settled_reservation_is_never_released()
    {
        await using var node = new LedgerApp { Settings = ShortLived };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);

        await AdmittedAsync(ingest, "settles", cost: 0.10m);
        await AdmittedAsync(ingest, "expires", cost: 0.10m);
        await (await Scenarios.PostUsageAsync(ingest, Scenarios.UsageRecord("settles"))).JsonAsync(HttpStatusCode.Accepted);
        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);

        Assert.Equal(1, await EventsAsync(app, org.Id, "reservation_released"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "timed out waiting");
            await Task.Delay(100);
        }
    }
}

using System.Net;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Admissions.AdmissionsApi;

namespace Ledger.Tests.Admissions;

/// <summary>
/// Reservations whose usage never settles, as after a gateway or node crash. They keep the default
/// ten-minute lifetime; the sweeping node's clock jumps past it, so nothing expires before the test says.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ReservationExpiryTests(LedgerApp app)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, string> QuickSweeps = new() { ["Ledger:Admissions:ExpirySweepInterval"] = "00:00:00.200" };

    [Fact]
    public async Task a_reservation_that_never_settles_is_released_by_expiry_and_its_budget_frees_up()
    {
        var clock = new MovableClock();
        await using var node = new LedgerApp { Settings = QuickSweeps, Clock = clock };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        await (await OverrideAsync(org, "tenant_acme", new { max_budget = 1.00m })).JsonAsync(HttpStatusCode.OK);

        var first = await AdmittedAsync(ingest, "req-1", cost: 0.60m);
        Assert.InRange(first.GetProperty("expires_at").GetDateTimeOffset() - clock.GetUtcNow(), Lifetime - TimeSpan.FromMinutes(1), Lifetime);
        await AdmittedAsync(ingest, "req-2", cost: 0.60m);
        await (await AdmitAsync(ingest, "req-3", cost: 0.60m)).ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal(2, await OpenReservationsAsync(app, org.Id));

        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);

        Assert.Equal(2, await EventsAsync(app, org.Id, "reservation_released"));
        await AdmittedAsync(ingest, "req-4", cost: 0.60m);
    }

    [Fact]
    public async Task a_request_whose_reservation_expired_is_answered_409_when_asked_again()
    {
        var clock = new MovableClock();
        await using var node = new LedgerApp { Settings = QuickSweeps, Clock = clock };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
        var first = await AdmittedAsync(ingest, "req-1", cost: 0.10m);
        Assert.Equal(first.GetProperty("reservation_id").GetGuid(), (await AdmittedAsync(ingest, "req-1", cost: 0.10m)).GetProperty("reservation_id").GetGuid());

        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);

        await (await AdmitAsync(ingest, "req-1", cost: 0.10m)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, await OpenReservationsAsync(app, org.Id));
    }

    [Fact]
    public async Task reservations_left_open_by_a_stopped_node_are_released_by_another()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await using (var stopped = new LedgerApp { Settings = QuickSweeps })
        {
            await stopped.InitializeAsync();
            var ingest = stopped.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);
            for (var i = 0; i < 3; i++) await AdmittedAsync(ingest, $"req-{i}", cost: 0.10m);
        }
        Assert.Equal(3, await OpenReservationsAsync(app, org.Id));

        var later = new MovableClock();
        later.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await using var survivor = new LedgerApp { Settings = QuickSweeps, Clock = later };
        await survivor.InitializeAsync();

        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);
        Assert.Equal(3, await EventsAsync(app, org.Id, "reservation_released"));
    }

    [Fact]
    public async Task a_settled_reservation_is_never_released()
    {
        var clock = new MovableClock();
        await using var node = new LedgerApp { Settings = QuickSweeps, Clock = clock };
        await node.InitializeAsync();
        var org = await app.Scenarios.OrganizationAsync();
        var ingest = node.Scenarios.Client(org.Ingest.DefaultRequestHeaders.Authorization!.Parameter!);

        await AdmittedAsync(ingest, "settles", cost: 0.10m);
        await AdmittedAsync(ingest, "expires", cost: 0.10m);
        await (await Scenarios.PostUsageAsync(ingest, Scenarios.UsageRecord("settles"))).JsonAsync(HttpStatusCode.Accepted);
        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await WaitUntilAsync(async () => await OpenReservationsAsync(app, org.Id) == 0);

        Assert.Equal(1, await EventsAsync(app, org.Id, "reservation_released"));
    }
}

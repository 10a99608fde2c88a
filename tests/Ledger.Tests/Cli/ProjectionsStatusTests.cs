using System.Net;
using Ledger.Api.Cli;
using Ledger.Projections.Audit;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Infrastructure.Scenarios;

namespace Ledger.Tests.Cli;

/// <summary><c>ledger projections status</c>: where each async projection stands against the newest event.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ProjectionsStatusTests(LedgerApp app)
{
    [Fact]
    public async Task every_async_projection_is_listed_and_shows_no_lag_once_caught_up()
    {
        var org = await app.Scenarios.OrganizationAsync();
        await (await PostUsageAsync(org.Ingest, UsageRecord("r1"))).JsonAsync(HttpStatusCode.Accepted);
        await app.Scenarios.AsyncProjectionsCaughtUpAsync();

        var (newest, rows) = await ProjectionsCommand.StatusAsync(app.Store, CancellationToken.None);

        Assert.Equal(
            new[] { AuditTrailProjection.ProjectionName, ConsumerRankingProjection.ProjectionName, DailyActivityProjection.ProjectionName, SpendLogProjection.ProjectionName }.Order(StringComparer.Ordinal),
            rows.Select(r => r.Projection));
        Assert.True(newest > 0);
        Assert.All(rows, r => Assert.True(r.Lag >= 0 && r.Position + r.Lag == newest, $"{r.Projection}: {r.Position} + {r.Lag} != {newest}"));
        Assert.Contains(rows, r => r.Projection == DailyActivityProjection.ProjectionName && r.Position >= newest - 10);
    }
}

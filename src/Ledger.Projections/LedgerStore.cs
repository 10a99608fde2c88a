using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Projections.Access;
using Ledger.Projections.Audit;
using Ledger.Projections.ConsumerOverrides;
using Ledger.Projections.ConsumerRanking;
using Ledger.Projections.Consumers;
using Ledger.Projections.ConsumerTags;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.Failures;
using Ledger.Projections.Keys;
using Ledger.Projections.Members;
using Ledger.Projections.ModelPrices;
using Ledger.Projections.Organizations;
using Ledger.Projections.OrganizationUsage;
using Ledger.Projections.Rebuilds;
using Ledger.Projections.ScopeLimits;
using Ledger.Projections.SpendLog;
using Ledger.Projections.Storage;
using Marten;
using Weasel.Core;

namespace Ledger.Projections;

/// <summary>Marten configuration shared by the API, the CLI, the benchmarks and the tests.</summary>
public static class LedgerStore
{
    public static void Configure(StoreOptions opts, string connectionString)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = LedgerSchema.Name;
        opts.Events.DatabaseSchemaName = LedgerSchema.Name;
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Quick append: versions are assigned in the database, one call per stream per batch.
        opts.Events.AppendMode = EventAppendMode.Quick;
        // Every append notifies, so the async daemon looks for new events at once instead of at its next poll.
        opts.Events.UseListenNotifyForEventAppends = true;
        // A paused shard's reason and the event it stopped at are kept, for `ledger projections status`.
        opts.Events.EnableExtendedProgressionTracking = true;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase,
            json => json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        opts.Storage.ExtendedSchemaObjects.Add(ConsumersTable.Trigrams);
        opts.Storage.ExtendedSchemaObjects.Add(ConsumersTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ConsumerRankingTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ConsumerRankingTable.ProgressDefinition());
        opts.Storage.ExtendedSchemaObjects.Add(OrganizationUsageTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ConsumerTagsTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ConsumerOverridesTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(AuditLogTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ScopeLimitsTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ModelPricesTable.Definition());
        opts.Storage.ExtendedSchemaObjects.AddRange(DailyActivityTables.Definitions());
        opts.Storage.ExtendedSchemaObjects.Add(SpendLogTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(RebuildRequestsTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ProjectionShapes.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(ProjectionFailuresTable.Definition());

        // Numeric revisions, as Marten gives projected documents: the tables keep the shape they had
        // when generic projections wrote them, so existing databases need no migration.
        opts.Schema.For<AccessToken>().UseNumericRevisions(true);
        opts.Schema.For<Member>().UseNumericRevisions(true);
        opts.Schema.For<VirtualKey>().UseNumericRevisions(true);
        opts.Projections.Add(new AccessProjection(), ProjectionLifecycle.Inline, AccessProjection.ProjectionName,
            o => { foreach (var table in AccessProjection.Tables) o.DeleteDataInTableOnTeardown(table); });
        // The organization aggregate is small and changes rarely, so it is folded live. The consumer
        // aggregate is folded from its short stream by its writer (Consumer.Fold), so that first traffic
        // registering thousands of consumers writes their events and nothing per consumer beside them.
        opts.Projections.Add(new OrganizationProjection(), ProjectionLifecycle.Live);
        // A rebuild empties the projection's table, then replays every event into it.
        opts.Projections.Add(new ConsumerTotalsProjection(), ProjectionLifecycle.Inline, ConsumerTotalsProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ConsumersTable.Name));
        opts.Projections.Add(new OrganizationUsageProjection(), ProjectionLifecycle.Inline, OrganizationUsageProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(OrganizationUsageTable.Name));
        opts.Projections.Add(new ConsumerTagsProjection(), ProjectionLifecycle.Inline, ConsumerTagsProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ConsumerTagsTable.Name));
        opts.Projections.Add(new ConsumerOverridesProjection(), ProjectionLifecycle.Inline, ConsumerOverridesProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ConsumerOverridesTable.Name));
        opts.Projections.Add(new ScopeLimitsProjection(), ProjectionLifecycle.Inline, ScopeLimitsProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ScopeLimitsTable.Name));
        opts.Projections.Add(new ModelPricesProjection(), ProjectionLifecycle.Inline, ModelPricesProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ModelPricesTable.Name));
        opts.Projections.Add(new AuditTrailProjection(), ProjectionLifecycle.Async,
            o => EmptiedOnRebuild(o, AuditTrailProjection.ProjectionName));
        // The set-based projections fold a page of events in memory and write each row once per page:
        // pages of 10,000 events instead of Marten's 500 (a rebuild of daily activity: 18,600 → 21,000–24,000
        // events/s; at 5,000 events/s of ingest the worst lag fell from 1.6–2.3 s with pages of 5,000 to 0.8–1.2 s).
        opts.Projections.Add(new DailyActivityProjection(), ProjectionLifecycle.Async, DailyActivityProjection.ProjectionName, o =>
        {
            o.BatchSize = SetBasedPage;
            o.MaximumHopperSize = 4 * SetBasedPage;
            EmptiedOnRebuild(o, DailyActivityProjection.ProjectionName);
        });
        opts.Projections.Add(new SpendLogProjection(), ProjectionLifecycle.Async, SpendLogProjection.ProjectionName, o =>
        {
            o.BatchSize = SetBasedPage;
            o.MaximumHopperSize = 4 * SetBasedPage;
            EmptiedOnRebuild(o, SpendLogProjection.ProjectionName);
        });
    }

    /// <summary>The tables a rebuild of each async projection empties before it replays the event log.</summary>
    public static IReadOnlyList<string> EmptiedOnRebuild(string projection) => projection switch
    {
        AuditTrailProjection.ProjectionName => [AuditLogTable.Name],
        DailyActivityProjection.ProjectionName =>
            [DailyActivityTables.Days, DailyActivityTables.Models, DailyActivityTables.Months, DailyActivityTables.Cohorts,
             DailyActivityTables.TopSpenders, DailyActivityTables.Markups],
        SpendLogProjection.ProjectionName => [SpendLogTable.Name],
        _ => [],
    };

    private static void EmptiedOnRebuild(AsyncOptions options, string projection)
    {
        foreach (var table in EmptiedOnRebuild(projection)) options.DeleteDataInTableOnTeardown(table);
    }

    /// <summary>Events per page for the async work that folds a page set-based (and the alert subscription).</summary>
    public const int SetBasedPage = 10_000;
}

using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Projections.Access;
using Ledger.Projections.Consumers;
using Ledger.Projections.OrganizationUsage;
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
        opts.Events.UseAdvisoryLockTransaction = true;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase,
            json => json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        opts.Storage.ExtendedSchemaObjects.Add(ConsumersTable.Definition());
        opts.Storage.ExtendedSchemaObjects.Add(OrganizationUsageTable.Definition());

        opts.Projections.Add(new AccessTokenProjection(), ProjectionLifecycle.Inline);
        // A rebuild empties the projection's table, then replays every event into it.
        opts.Projections.Add(new ConsumerTotalsProjection(), ProjectionLifecycle.Inline, ConsumerTotalsProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(ConsumersTable.Name));
        opts.Projections.Add(new OrganizationUsageProjection(), ProjectionLifecycle.Inline, OrganizationUsageProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(OrganizationUsageTable.Name));
    }
}

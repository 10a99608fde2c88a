using Ledger.Domain.Money;
using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Admissions;

/// <summary>The write-side state of admission, beside the events that record it.</summary>
public static class AdmissionTables
{
    /// <summary>
    /// One row per admitted request: its reservation, open until settlement or expiry closes it.
    /// Closed rows are purged once they are older than the reservation lifetime.
    /// </summary>
    public const string Admissions = LedgerSchema.Name + ".admissions";

    /// <summary>
    /// Per scope, written only by admissions while they hold the scope's lock: the admissions of
    /// the last minute (the rpm window, see <see cref="WindowCodec"/>) and the estimated cost
    /// reserved since the scope was first seen.
    /// </summary>
    public const string State = LedgerSchema.Name + ".admission_state";

    /// <summary>
    /// Admission events written by the admission transaction and not yet appended to the event
    /// store; <see cref="AdmissionEventPublisher"/> moves them there (and deletes them) in its own
    /// transactions, so appending never holds the scopes' locks.
    /// </summary>
    public const string Outbox = LedgerSchema.Name + ".admission_outbox";

    /// <summary>
    /// Quota leased by nodes (<see cref="Leases.NodeLeases"/>): a row per lease until its node gives back what it did
    /// not spend. A row left by a node that stopped without giving back is returned by any node once the lease and a
    /// reservation's lifetime have passed (<see cref="Leases.LeaseKeeper"/>), with what the node was recorded to have spent.
    /// </summary>
    public const string Leases = LedgerSchema.Name + ".admission_leases";

    public static IEnumerable<Table> Definitions()
    {
        var admissions = new Table(Admissions);
        admissions.AddColumn<Guid>("organization_id").AsPrimaryKey();
        admissions.AddColumn<string>("request_id").AsPrimaryKey();
        admissions.AddColumn<Guid>("reservation_id").NotNull();
        admissions.AddColumn("end_user_id", "text");
        admissions.AddColumn<string>("key_id").NotNull();
        admissions.AddColumn("team_id", "text");
        admissions.AddColumn("estimated_cost", Usd.Column).NotNull();
        admissions.AddColumn("admitted_at", "timestamptz").NotNull();
        admissions.AddColumn("expires_at", "timestamptz").NotNull();
        admissions.AddColumn("closed_at", "timestamptz");
        admissions.Indexes.Add(new IndexDefinition("admissions_open_by_expiry") { Columns = ["expires_at"], Predicate = "closed_at is null" });
        // The purge looks only at closed rows; open ones (most of the table at a high rate) stay out of this index.
        admissions.Indexes.Add(new IndexDefinition("admissions_closed_by_time") { Columns = ["admitted_at"], Predicate = "closed_at is not null" });
        yield return admissions;

        var state = new Table(State);
        state.AddColumn<Guid>("organization_id").AsPrimaryKey();
        state.AddColumn("scope", "smallint").AsPrimaryKey();
        state.AddColumn<string>("scope_id").AsPrimaryKey();
        state.AddColumn("admissions", "bytea").NotNull();
        state.AddColumn("reserved", Usd.Column).NotNull();
        yield return state;

        var outbox = new Table(Outbox);
        outbox.AddColumn("seq", "bigserial").AsPrimaryKey();
        outbox.AddColumn<Guid>("organization_id").NotNull();
        outbox.AddColumn<string>("type").NotNull();
        // The event as JSON text: written once and read once, so PostgreSQL need not parse it.
        outbox.AddColumn("body", "text").NotNull();
        yield return outbox;

        var leases = new Table(Leases);
        leases.AddColumn<Guid>("lease_id").AsPrimaryKey();
        leases.AddColumn<Guid>("organization_id").NotNull();
        leases.AddColumn("scope", "smallint").NotNull();
        leases.AddColumn<string>("scope_id").NotNull();
        leases.AddColumn<string>("node").NotNull();
        leases.AddColumn("slots", "bigint");
        leases.AddColumn("headroom", Usd.Column);
        // Estimated cost of the admissions recorded against the lease so far (AdmissionRecorder).
        leases.AddColumn("headroom_spent", Usd.Column).NotNull().DefaultValueByExpression("0");
        leases.AddColumn("window_at", "timestamptz").NotNull();
        leases.AddColumn("expires_at", "timestamptz").NotNull();
        leases.Indexes.Add(new IndexDefinition("admission_leases_by_expiry") { Columns = ["expires_at"] });
        yield return leases;
    }
}

using System.Diagnostics.Metrics;
using Ledger.Ingest.GroupCommit;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Where admissions are decided: in memory from this node's leases, in the database, or as a retry answered as
/// before. The share decided in the database is what waits for PostgreSQL (docs/architecture.md, "Admission leases").
/// </summary>
public static class AdmissionMeter
{
    private static readonly Meter Meter = new(GroupCommitMeter.Name);

    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>("ledger.admission.decisions", "{admission}",
        "Admission requests decided, by where: lease (in memory, from this node's leases), database (a transaction holding the scopes' locks) or retry (answered as it was before).");

    private static readonly KeyValuePair<string, object?> Lease = new("decided_by", "lease"), Database = new("decided_by", "database"), Retry = new("decided_by", "retry");

    public static void DecidedFromLease() => Decisions.Add(1, Lease);

    public static void DecidedInDatabase() => Decisions.Add(1, Database);

    public static void AnsweredAsBefore() => Decisions.Add(1, Retry);
}

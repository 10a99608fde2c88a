using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Ingest.Admissions.Caps;

/// <summary>
/// The caps admission enforces, in admission's own table: a consumer's override (scope 0, its id),
/// the organization's default consumer caps (scope 0, <see cref="Defaults"/>), a key's (1) or a
/// team's (2) limits. A row only where some cap is set. <see cref="AdmissionCapsProjection"/> writes
/// it in the transaction that stores the change; only admission and settlement's token meter read it.
/// The dashboard reads its own read models (consumer_overrides, scope_limits), which also hold notes,
/// markup and who changed what.
/// </summary>
public static class AdmissionCapsTable
{
    public const string Name = LedgerSchema.Name + ".admission_caps";

    /// <summary>The scope_id of the organization's default consumer caps.</summary>
    public const string Defaults = "";

    public static Table Definition() => CapColumns.ScopedTable(Name);
}

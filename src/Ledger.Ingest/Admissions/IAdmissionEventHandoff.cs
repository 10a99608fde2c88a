using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// EXPERIMENT (issue 20): hands the events of a decision made in the database to another carrier
/// (Wolverine's outbox) inside the decision's transaction, instead of the outbox table.
/// </summary>
public interface IAdmissionEventHandoff
{
    /// <summary>Stores the events in <paramref name="tx"/>; the returned callback runs after the commit.</summary>
    Task<Func<Task>> StoreAsync(NpgsqlTransaction tx, IReadOnlyList<object> events, CancellationToken ct);
}

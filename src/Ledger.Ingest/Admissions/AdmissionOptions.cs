namespace Ledger.Ingest.Admissions;

/// <summary>Admission settings (configuration section <c>Ledger:Admissions</c>).</summary>
public sealed class AdmissionOptions
{
    /// <summary>How long a reservation holds its estimated cost when its usage never settles.</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often each node releases expired reservations.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reservations released per expiry transaction.</summary>
    public int ExpiryBatchSize { get; set; } = 1000;

    /// <summary>Concurrent admission transactions per node.</summary>
    public int WriterLanes { get; set; } = 2;

    /// <summary>Upper bound on admission requests decided in one transaction.</summary>
    public int MaxRequestsPerTransaction { get; set; } = 256;

    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Admission events appended to the event store per publishing transaction.</summary>
    public int EventPublishBatchSize { get; set; } = 2000;

    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a node's lease of a scope's quota lasts (docs/architecture.md, "Admission leases"). Cap
    /// changes and crossed budgets revoke leases at once by notification; the term bounds how late they
    /// reach a node whose notification connection is down, how often a busy scope's lease is renewed,
    /// and what a node that dies keeps from the others.
    /// Zero turns leases off: every admission is then decided in the database.
    /// </summary>
    public TimeSpan LeaseTerm { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a node remembers the requests it admitted from a lease, to answer a retry the same.</summary>
    public TimeSpan RememberAdmissions { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether an admission's commit waits for PostgreSQL to flush its WAL to disk. Off by default:
    /// the answer then does not wait for the disk, and a crash of PostgreSQL itself (not of Ledger)
    /// can forget the admissions of its last moments (at most wal_writer_delay × 3, 600 ms by default):
    /// their reservations and rpm entries, never usage, which always commits synchronously. See docs/architecture.md.
    /// </summary>
    public bool SynchronousCommit { get; set; }
}

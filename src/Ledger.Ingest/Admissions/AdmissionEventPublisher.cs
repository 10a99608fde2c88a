using System.Text.Json;
using Ledger.Domain.Admissions;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// Appends the admission events that admission transactions left in <see cref="AdmissionTables.Outbox"/>
/// to the event store: one transaction takes a batch of outbox rows (deleting them), appends
/// their events to the organizations' admission segments and commits, so each event is appended
/// exactly once. Woken by admission commits on this node (then waiting <see cref="Gathering"/> so
/// that many admissions' events share one append), and every second regardless, so events left by
/// a node that stopped are appended by another. Events follow their admission by about a tenth of
/// a second; the answer to the gateway never waits for them.
/// </summary>
public sealed partial class AdmissionEventPublisher(
    IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AdmissionOptions> options,
    ILogger<AdmissionEventPublisher> logger) : BackgroundService
{
    private readonly string _writerId = "events-" + Guid.NewGuid().ToString("N")[..8];
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>How long a wake-up waits for more admissions before appending.</summary>
    private static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(100);

    /// <summary>Outbox rows were committed: publish soon.</summary>
    public void Notify()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { } // already woken
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishAsync(stoppingToken) == options.Value.EventPublishBatchSize) { }
            }
            catch (Exception e) when (e is NpgsqlException or PostgresException)
            {
                LogPublishFailed(logger, e);
            }
            try
            {
                if (await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken)) await Task.Delay(Gathering, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await PublishAsync(CancellationToken.None); // what this node's last admissions left
    }

    /// <summary>Appends one batch of outbox events; returns how many.</summary>
    public async Task<int> PublishAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var take = new NpgsqlCommand(
            $"""
            delete from {AdmissionTables.Outbox} o
            using (select seq from {AdmissionTables.Outbox} order by seq limit $1 for update skip locked) due
            where o.seq = due.seq
            returning o.seq, o.organization_id, o.type, o.body
            """, connection, tx);
        take.Parameters.Add(new NpgsqlParameter { Value = options.Value.EventPublishBatchSize });
        var events = new List<(long Seq, Guid Organization, object Event)>();
        await using (var reader = await take.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                events.Add((reader.GetInt64(0), reader.GetGuid(1), Deserialize(reader.GetString(2), reader.GetString(3))));
        if (events.Count == 0) return 0;

        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        foreach (var org in events.OrderBy(e => e.Seq).GroupBy(e => e.Organization))
            session.Events.AppendAdmissionEvents(org.Key, org.Select(e => e.Event), now, _writerId);
        await session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>The outbox row of an admission event: its type name and its JSON.</summary>
    public static (string Type, string Body) Serialize(object e) => e switch
    {
        RequestAdmitted a => (nameof(RequestAdmitted), JsonSerializer.Serialize(a)),
        RequestRejected r => (nameof(RequestRejected), JsonSerializer.Serialize(r)),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Not an admission event."),
    };

    private static object Deserialize(string type, string body) => type switch
    {
        nameof(RequestAdmitted) => JsonSerializer.Deserialize<RequestAdmitted>(body)!,
        nameof(RequestRejected) => JsonSerializer.Deserialize<RequestRejected>(body)!,
        _ => throw new InvalidOperationException($"Unknown admission event type '{type}' in the outbox."),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending admission events failed; trying again shortly")]
    private static partial void LogPublishFailed(ILogger logger, Exception e);
}

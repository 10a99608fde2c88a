using System.Globalization;
using System.Text;
using Ledger.Domain.Admissions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Ingest.Admissions.Leases;

/// <summary>
/// Listens on <see cref="CapCrossings.Channel"/> on a connection of its own and revokes this node's
/// leases of the scopes another node found crossed (<see cref="CapCrossings"/>) or whose caps changed
/// (<see cref="CapChangeNotices"/>): a notification arrives within milliseconds of the commit that
/// sent it. If the connection drops it reconnects; while it is down, a
/// lease still ends within its term.
/// </summary>
public sealed partial class LeaseNotifications(NpgsqlDataSource dataSource, NodeLeases leases, ILogger<LeaseNotifications> logger) : BackgroundService
{
    /// <summary>One scope per line: organization, scope number, scope id.</summary>
    public static string Format(ScopeKey scope) => $"{scope.OrganizationId:N} {(int)scope.Scope} {scope.Id}";

    /// <summary>Every scope of one kind in an organization (its consumer defaults changed): the line has no id.</summary>
    public static string FormatEvery(Guid organizationId, CapScope scope) => $"{organizationId:N} {(int)scope}";

    /// <summary>
    /// The lines as notification payloads: as many lines as fit under PostgreSQL's 8,000-byte limit each
    /// (a bulk import changes thousands of consumers' caps in one transaction).
    /// </summary>
    public static IEnumerable<string> Payloads(IEnumerable<string> lines)
    {
        var (payload, bytes) = (new StringBuilder(), 0);
        foreach (var line in lines)
        {
            var size = Encoding.UTF8.GetByteCount(line) + 1;
            if (bytes > 0 && bytes + size > MaxPayloadBytes)
            {
                yield return payload.ToString();
                (bytes, _) = (0, payload.Clear());
            }
            if (bytes > 0) payload.Append('\n');
            payload.Append(line);
            bytes += size;
        }
        if (bytes > 0) yield return payload.ToString();
    }

    /// <summary>A payload must be shorter than 8,000 bytes.</summary>
    private const int MaxPayloadBytes = 7_999;

    /// <summary>Which of this node's leases a notification revokes.</summary>
    public static Func<ScopeKey, bool> Parse(string payload)
    {
        return ScopeSelection.AnyOf(payload.Split('\n').Select(line => line.Split(' ', 3)).Where(p => p.Length >= 2).Select(p =>
            new ScopeSelection(Guid.ParseExact(p[0], "N"), (CapScope)int.Parse(p[1], CultureInfo.InvariantCulture), p.Length == 3 ? p[2] : null)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => leases.RevokeWhere(Parse(e.Payload));
                await using (var listen = new NpgsqlCommand($"listen {CapCrossings.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for revoked admission leases failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception e);
}

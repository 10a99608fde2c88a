using System.Diagnostics;
using System.Net;
using Ledger.Api.Cli;
using Ledger.Projections.Audit;
using Ledger.Projections.DailyActivity;
using Ledger.Projections.SpendLog;
using Ledger.Tests.Infrastructure;
using Npgsql;
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
        var mine = await SequenceAsync("select max(seq_id) from ledger.mt_events where data->>'organization_id' = $1", org.Id.ToString());
        var newestBefore = await SequenceAsync("select max(seq_id) from ledger.mt_events");

        var (newest, rows) = await ProjectionsCommand.StatusAsync(app.Store, CancellationToken.None);

        Assert.Equal(
            new[] { AuditTrailProjection.ProjectionName, DailyActivityProjection.ProjectionName, SpendLogProjection.ProjectionName }.Order(StringComparer.Ordinal),
            rows.Select(r => r.Projection));
        // The newest event as the event table has it (other test classes may append meanwhile, never remove).
        Assert.InRange(newest, newestBefore, await SequenceAsync("select max(seq_id) from ledger.mt_events"));
        // Caught up: every projection has gone past this test's own event, and is behind by what is left.
        Assert.All(rows, r => Assert.True(r.Position >= mine && r.Position <= newest, $"{r.Projection} at {r.Position}; this test's event is {mine}, the newest {newest}"));
        Assert.All(rows, r => Assert.Equal(newest - r.Position, r.Lag));
    }

    [Fact]
    public async Task the_command_prints_the_table_without_a_warning_that_the_projections_will_not_run()
    {
        // The API nodes run the async projections; a command's own store never does, and says nothing about it.
        var (root, dll) = ApiProcess.Built();
        var start = new ProcessStartInfo("dotnet", [dll, "projections", "status"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LEDGER_DB"] = app.ConnectionString },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await errors);
        Assert.Contains(DailyActivityProjection.ProjectionName, await output);
        Assert.Matches(@"consumer_ranking: computed from the consumer rows; \d+ organizations? due", await output);
        Assert.DoesNotContain("async daemon is disabled", await output + await errors);
        Assert.DoesNotContain("will not be executed", await output + await errors);
    }

    private async Task<long> SequenceAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using Npgsql;
using Testcontainers.PostgreSql;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL the tests run against: a fresh database beside <c>LEDGER_DB</c> when that is set (./ledger test sets it),
/// otherwise a Testcontainers PostgreSQL when a Docker engine answers, otherwise a clear failure.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;
    private static PostgreSqlContainer? _container;

    /// <summary>
    /// Where databases are made and dropped from: the configured database, not the run's, since the
    /// run's own database is dropped first when the process exits.
    /// </summary>
    private static string? _admin;

    public static async Task<string> ConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _connectionString ??= await ResolveAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// An empty database beside the run's, for a test that needs a store no API node serves (no
    /// async daemon holds its projections); made anew, dropped when the run ends.
    /// </summary>
    public static async Task<string> SiblingAsync(string suffix)
    {
        var run = await ConnectionStringAsync();
        var builder = new NpgsqlConnectionStringBuilder(run);
        var name = $"{builder.Database}_{suffix}";
        var from = _admin ?? run;
        await using (var admin = new NpgsqlConnection(from))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"create database \"{name}\"", admin).ExecuteNonQueryAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop(from, name);
        builder.Database = name;
        return builder.ConnectionString;
    }

    private static async Task<string> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_DB");
        if (configured is null) return await StartContainerAsync();
        return await CreateRunDatabaseAsync(configured);
    }

    /// <summary>
    /// Each run gets a database of its own next to the configured one, so runs from two shells or
    /// two checkouts never wipe each other's data; it is dropped when the run ends. Databases left
    /// by runs that died are dropped by a run at least six hours later.
    /// </summary>
    private const long StaleAfterSeconds = 6 * 3600;

    private static async Task<string> CreateRunDatabaseAsync(string configured)
    {
        _admin = configured;
        var builder = new NpgsqlConnectionStringBuilder(configured);
        var prefix = builder.Database + "_run_";
        // The start time in the name tells a dead run's database from one another run has just made.
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var name = $"{prefix}{started}_{Environment.ProcessId}";
        await using (var admin = new NpgsqlConnection(configured))
        {
            await admin.OpenAsync();
            var stale = new List<string>();
            await using (var list = new NpgsqlCommand("select datname from pg_database where starts_with(datname, $1)", admin))
            {
                list.Parameters.AddWithValue(prefix);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var db = reader.GetString(0);
                    if (long.TryParse(db[prefix.Length..].Split('_')[0], out var t) && started - t > StaleAfterSeconds) stale.Add(db);
                }
            }
            foreach (var db in stale)
            {
                try { await new NpgsqlCommand($"drop database if exists \"{db}\"", admin).ExecuteNonQueryAsync(); }
                catch (PostgresException) { } // another run's, still in use
            }
            await new NpgsqlCommand($"create database \"{name}\"", admin).ExecuteNonQueryAsync();
        }
        builder.Database = name;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop(configured, name);
        return builder.ConnectionString;
    }

    private static void Drop(string configured, string name)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(configured);
            admin.Open();
            new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // the next run drops it
        }
    }

    private static async Task<string> StartContainerAsync()
    {
        try
        {
            _container = new PostgreSqlBuilder("postgres:15").Build();
            await _container.StartAsync();
            return _container.GetConnectionString();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No database for the tests: LEDGER_DB is not set and no Docker engine answered for Testcontainers. " +
                "Run the suite with ./ledger test, which starts a private PostgreSQL, or set LEDGER_DB to an Npgsql " +
                "connection string of a database the tests may wipe.", e);
        }
    }
}

using Npgsql;
using Testcontainers.PostgreSql;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL the tests run against: <c>LEDGER_DB</c> when set (./ledger test sets it),
/// otherwise a Testcontainers PostgreSQL when a Docker engine answers, otherwise a clear failure.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;
    private static PostgreSqlContainer? _container;

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

    private static async Task<string> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_DB");
        var connectionString = configured ?? await StartContainerAsync();
        await ResetAsync(connectionString);
        return connectionString;
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

    /// <summary>Each run starts from an empty schema; Marten recreates it when the app starts.</summary>
    private static async Task ResetAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand("drop schema if exists ledger cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

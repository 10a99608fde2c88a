using Npgsql;

namespace Ledger.Bench;

/// <summary>A database of a bench's own, next to the one LEDGER_DB names, made anew for each run.</summary>
public static class BenchDatabase
{
    /// <summary>Drops and creates <paramref name="name"/>; its connection string.</summary>
    public static async Task<string> FreshAsync(string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(BenchArgs.Connection);
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            // An autovacuum worker still on the last run's tables runs as the superuser, which a bench's role
            // may not terminate (42501); it ends on its own within seconds.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await new NpgsqlCommand($"drop database if exists {name} with (force)", connection).ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 30)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                }
            }
            await new NpgsqlCommand($"create database {name}", connection).ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString;
    }
}

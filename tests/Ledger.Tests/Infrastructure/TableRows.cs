using Npgsql;

namespace Ledger.Tests.Infrastructure;

/// <summary>A read model's rows as text, for comparing what two runs wrote, and wiping them before a rebuild.</summary>
public static class TableRows
{
    /// <summary>Every row of <paramref name="table"/> that belongs to <paramref name="org"/>, each as its text form, sorted.</summary>
    public static Task<List<string>> OfAsync(string connectionString, string table, Guid org) =>
        ValuesAsync(connectionString, table, "t::text", org);

    /// <summary><paramref name="expression"/> (over the row as <c>t</c>) for each row of <paramref name="table"/> that belongs to <paramref name="org"/>, sorted.</summary>
    public static async Task<List<string>> ValuesAsync(string connectionString, string table, string expression, Guid org)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select {expression} from {table} t where organization_id = $1 order by 1", connection);
        command.Parameters.AddWithValue(org);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>
    /// Deletes <paramref name="org"/>'s rows from each table, so that a rebuild compared with the live
    /// run must write them again: one that did nothing would otherwise leave the live rows and pass.
    /// </summary>
    public static async Task WipeAsync(string connectionString, Guid org, params string[] tables)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"delete from {table} where organization_id = $1", connection);
            command.Parameters.AddWithValue(org);
            await command.ExecuteNonQueryAsync();
        }
    }
}

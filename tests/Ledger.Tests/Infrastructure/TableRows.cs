using Npgsql;

namespace Ledger.Tests.Infrastructure;

/// <summary>A read model's rows as text, for comparing what two runs wrote.</summary>
public static class TableRows
{
    /// <summary>Every row of <paramref name="table"/> that belongs to <paramref name="org"/>, each as its text form, sorted.</summary>
    public static async Task<List<string>> OfAsync(string connectionString, string table, Guid org)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select t::text from {table} t where organization_id = $1 order by 1", connection);
        command.Parameters.AddWithValue(org);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}

using Npgsql;

namespace Ledger.Projections.Storage;

/// <summary>Builds the statements of an <see cref="NpgsqlBatch"/>, one round trip for several queries.</summary>
public static class SqlBatch
{
    /// <summary>A statement with positional parameters ($1, $2, ...); null binds as SQL null.</summary>
    public static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }
}

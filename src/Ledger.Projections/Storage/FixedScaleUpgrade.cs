using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.Storage;

/// <summary>
/// Gives the columns declared with a fixed precision (money, <see cref="Domain.Money.Usd"/>) that
/// precision on a database from before the money rule, where they were unbounded <c>numeric</c>:
/// Marten's migration does not change a column's type. PostgreSQL rounds the stored values half away
/// from zero, as the rule does; the async read models are rebuilt by their new shape.
/// </summary>
public static class FixedScaleUpgrade
{
    public static async Task UpgradeAsync(IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var declared = ((StoreOptions)store.Options).Storage.ExtendedSchemaObjects.OfType<Table>()
            .SelectMany(t => t.Columns.Where(c => c.Type.StartsWith("numeric(", StringComparison.Ordinal))
                .Select(c => (Table: t.Identifier.QualifiedName, Column: c.Name, c.Type)))
            .ToList();
        var unbounded = new HashSet<(string, string)>();
        await using (var command = dataSource.CreateCommand(
            """
            select n.nspname || '.' || c.relname, a.attname from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relkind = 'r' and not a.attisdropped and format_type(a.atttypid, a.atttypmod) = 'numeric'
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = LedgerSchema.Name });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) unbounded.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, column, type) in declared.Where(d => unbounded.Contains((d.Table, d.Column))))
        {
            await using var alter = dataSource.CreateCommand($"alter table {table} alter column {column} type {type}");
            await alter.ExecuteNonQueryAsync(ct);
        }
    }
}

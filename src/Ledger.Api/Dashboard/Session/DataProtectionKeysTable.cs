using System.Xml.Linq;
using Ledger.Projections.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// The keys that sign and encrypt dashboard session cookies and antiforgery tokens, kept in
/// PostgreSQL so every API node reads the same ring and a session outlives a restart or a new
/// machine (ASP.NET Core would otherwise keep them under the home directory of one node).
/// </summary>
public sealed class DataProtectionKeysTable(NpgsqlDataSource dataSource) : IXmlRepository
{
    public const string Name = LedgerSchema.Name + ".data_protection_keys";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<string>("name").AsPrimaryKey();
        table.AddColumn<string>("xml").NotNull();
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        return table;
    }

    // IXmlRepository is synchronous: the key ring is read at start and when a key is due, not per request.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand($"select xml from {Name} order by created_at");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand(
            $"insert into {Name} (name, xml, created_at) values ($1, $2, now()) on conflict (name) do nothing");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}

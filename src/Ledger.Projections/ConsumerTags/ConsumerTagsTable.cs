using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.ConsumerTags;

/// <summary>Consumers' tags, one row per (organization, consumer, tag), with the id a tag is removed by.</summary>
public static class ConsumerTagsTable
{
    public const string Name = LedgerSchema.Name + ".consumer_tags";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<Guid>("organization_id").NotNull();
        table.AddColumn<string>("end_user_id").NotNull();
        table.AddColumn<string>("tag").NotNull();
        table.AddColumn("created_at", "timestamptz").NotNull();
        table.Indexes.Add(new IndexDefinition("consumer_tags_unique")
        {
            Columns = ["organization_id", "end_user_id", "tag"],
            IsUnique = true,
        });
        return table;
    }
}

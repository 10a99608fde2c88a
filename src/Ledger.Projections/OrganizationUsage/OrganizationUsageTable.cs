using Ledger.Projections.Storage;
using Weasel.Postgresql.Tables;

namespace Ledger.Projections.OrganizationUsage;

/// <summary>
/// Organization-wide lifetime totals, including usage attributed to no consumer (no <c>user</c>
/// or a reserved identifier), which counts here and nowhere in the consumer list.
/// </summary>
public static class OrganizationUsageTable
{
    public const string Name = LedgerSchema.Name + ".organization_usage";

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<Guid>("organization_id").AsPrimaryKey();
        table.AddColumn<long>("requests").NotNull().DefaultValue(0L);
        table.AddColumn<long>("input_tokens").NotNull().DefaultValue(0L);
        table.AddColumn<long>("output_tokens").NotNull().DefaultValue(0L);
        table.AddColumn("total_spend", "numeric").NotNull().DefaultValueByExpression("0");
        table.AddColumn<long>("unattributed_requests").NotNull().DefaultValue(0L);
        table.AddColumn("unattributed_spend", "numeric").NotNull().DefaultValueByExpression("0");
        return table;
    }
}

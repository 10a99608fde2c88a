namespace Ledger.Projections.Storage;

/// <summary>Everything Ledger stores, Marten's event tables included, lives in one schema.</summary>
public static class LedgerSchema
{
    public const string Name = "ledger";
}

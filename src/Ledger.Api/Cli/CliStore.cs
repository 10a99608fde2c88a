using Ledger.Api.Storage;
using Marten;

namespace Ledger.Api.Cli;

/// <summary>The store a command-line command works on: the database LEDGER_DB names, its schema brought up to date.</summary>
public static class CliStore
{
    public static string ConnectionString() =>
        StoreSetup.ConnectionString(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    public static async Task<DocumentStore> OpenAsync()
    {
        var store = new DocumentStore(StoreSetup.OptionsBesideNodes(ConnectionString()));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }
}

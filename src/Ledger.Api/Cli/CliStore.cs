using Ledger.Api.Hosting;
using Marten;

namespace Ledger.Api.Cli;

/// <summary>The store a command-line command works on: the database LEDGER_DB names, its schema brought up to date.</summary>
public static class CliStore
{
    public static async Task<DocumentStore> OpenAsync()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var store = new DocumentStore(StoreSetup.Options(StoreSetup.ConnectionString(configuration)));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }
}

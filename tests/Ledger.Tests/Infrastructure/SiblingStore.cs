using Ledger.Projections;
using Marten;
using Npgsql;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// A Ledger store on an empty database of its own, its schema applied, that no API node serves (no
/// daemon runs its projections unless the test starts one), for tests that shape the database first.
/// </summary>
public sealed class SiblingStore : IAsyncDisposable
{
    public required DocumentStore Store { get; init; }
    public required NpgsqlDataSource DataSource { get; init; }
    public required string ConnectionString { get; init; }

    public static async Task<SiblingStore> CreateAsync(string name)
    {
        var connection = await TestDatabase.SiblingAsync(name);
        var store = DocumentStore.For(o => LedgerStore.Configure(o, connection));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new SiblingStore { Store = store, DataSource = NpgsqlDataSource.Create(connection), ConnectionString = connection };
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await DataSource.DisposeAsync();
    }
}

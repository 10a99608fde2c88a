using System.Runtime.Versioning;
using Npgsql;

namespace Ledger.Tests.Cli;

/// <summary>
/// The private cluster ./ledger starts lets in only who has a password, and the app's role cannot
/// do what a superuser can (read every database, run programs through COPY ... TO PROGRAM).
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ScratchClusters.Name)]
public sealed class PrivateClusterLoginTests
{
    [ClusterFact]
    public async Task a_new_cluster_lets_the_app_in_only_with_its_password_and_not_as_a_superuser()
    {
        await using var checkout = new ScratchCheckout();

        var db = await checkout.LedgerAsync("db");

        Assert.True(db.ExitCode == 0, db.Stderr);
        await AssertLockedDownAsync(checkout, db.LastLine);
    }

    [ClusterFact]
    public async Task a_cluster_made_before_passwords_is_locked_down_in_place_and_the_app_keeps_its_data()
    {
        await using var checkout = new ScratchCheckout();
        var made = await checkout.BashAsync(ClusterAsMadeBeforePasswords);
        Assert.True(made.ExitCode == 0, made.Stderr);
        var trusted = made.LastLine;
        await ExecuteAsync(trusted, """
            create schema ledger;
            create type ledger.tier as enum ('free', 'paid');
            create table ledger.orgs (id serial primary key, name text not null, tier ledger.tier);
            insert into ledger.orgs (name) values ('acme');
            create function ledger.org_count() returns bigint language sql as 'select count(*) from ledger.orgs';
            """);

        var db = await checkout.LedgerAsync("db");

        Assert.True(db.ExitCode == 0, db.Stderr);
        await AssertLockedDownAsync(checkout, db.LastLine);
        // Marten alters its own tables and replaces its own functions: the app must own them.
        await ExecuteAsync(db.LastLine, """
            insert into ledger.orgs (name, tier) values ('globex', 'paid');
            alter table ledger.orgs add column note text;
            create or replace function ledger.org_count() returns bigint language sql as 'select count(*) from ledger.orgs';
            """);
        Assert.Equal(2L, await ScalarAsync(db.LastLine, "select ledger.org_count()"));
        Assert.Equal("acme", await ScalarAsync(db.LastLine, "select name from ledger.orgs order by id limit 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(trusted, "select 1"));
        var again = await checkout.LedgerAsync("db");
        Assert.Equal(db.LastLine, again.LastLine);
        Assert.Equal("", again.Stderr);
    }

    [ClusterFact]
    public async Task printed_connection_strings_hide_the_password_however_its_key_is_written()
    {
        await using var checkout = new ScratchCheckout();

        var printed = await checkout.BashAsync("""
            redact "Host=h;Password=s3cret1;Database=d"
            redact "Host=h; password = s3cret2 ;Database=d"
            redact "PWD=s3cret3;Database=d"
            """);

        Assert.True(printed.ExitCode == 0, printed.Stderr);
        Assert.DoesNotContain("s3cret", printed.Stdout);
        Assert.Equal(3, printed.Stdout.Split("Database=d").Length - 1);
    }

    /// <summary>What build/postgres.sh did before passwords: trust, and the app as the bootstrap superuser.</summary>
    private const string ClusterAsMadeBeforePasswords = """
        bin="$(pg_bin)"
        mkdir -p "$ROOT/.data"
        PG_PORT="$(free_port)"
        echo "$PG_PORT" >"$PG_PORT_FILE"
        make_data_dir
        as_pg_owner "$bin/initdb" -D "$(pg_data)" -U ledger --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = ''\n" "$PG_PORT" >>"$PG_DATA_DIR/postgresql.conf"
        as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" -l "$(pg_data)/server.log" -w start >/dev/null
        "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U ledger -d postgres -qc "create database ledger"
        echo "Host=127.0.0.1;Port=$PG_PORT;Username=ledger;Database=ledger"
        """;

    private static async Task AssertLockedDownAsync(ScratchCheckout checkout, string connectionString)
    {
        Assert.Equal(false, await ScalarAsync(connectionString, "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"));
        var program = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, "copy (select 1) to program 'true'"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, program.SqlState);
        // Each test run makes and drops a database of its own.
        await ExecuteAsync(connectionString, "create database scratch_probe");
        await ExecuteAsync(connectionString, "drop database scratch_probe with (force)");

        var app = new NpgsqlConnectionStringBuilder(connectionString).Username!;
        foreach (var user in new[] { app, "ledger_admin", "postgres" })
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(With(connectionString, user, password: null), "select 1"));
        var wrong = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(With(connectionString, app, "wrong"), "select 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
        foreach (var file in new[] { "pg.password", "pg.admin" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(checkout.Root, ".data", file)));
    }

    private static string With(string connectionString, string user, string? password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Password = password }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        return await new NpgsqlCommand(sql, connection).ExecuteScalarAsync();
    }

    // No pooling: these clusters are stopped when the test ends.
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

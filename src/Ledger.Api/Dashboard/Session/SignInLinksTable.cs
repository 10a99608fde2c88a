using Ledger.Domain.Access;
using Ledger.Projections.Storage;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// One-time sign-in links, as <c>ledger org create</c> prints one: a random code, stored only as
/// its hash, that starts a session for a member's token once, within minutes. The session holds the
/// token's hash as a session signed in with the token would, so revoking the token ends it.
/// </summary>
public sealed class SignInLinksTable(NpgsqlDataSource dataSource)
{
    public const string Name = LedgerSchema.Name + ".sign_in_links";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static Table Definition()
    {
        var table = new Table(Name);
        table.AddColumn<string>("code_hash").AsPrimaryKey();
        table.AddColumn<Guid>("organization_id").NotNull();
        table.AddColumn<string>("token_hash").NotNull();
        table.AddColumn<DateTimeOffset>("expires_at").NotNull();
        table.AddColumn<DateTimeOffset>("used_at");
        return table;
    }

    /// <summary>A new link's code for the member token with hash <paramref name="tokenHash"/>; shown once, stored hashed.</summary>
    public async Task<string> IssueAsync(Guid organizationId, string tokenHash, CancellationToken ct)
    {
        var code = BearerToken.New();
        // The database's clock sets the expiry and judges it, so API nodes' clocks do not matter.
        await using var command = dataSource.CreateCommand(
            $"insert into {Name} (code_hash, organization_id, token_hash, expires_at) values ($1, $2, $3, now() + $4)");
        command.Parameters.Add(new NpgsqlParameter { Value = BearerToken.Hash(code) });
        command.Parameters.Add(new NpgsqlParameter { Value = organizationId });
        command.Parameters.Add(new NpgsqlParameter { Value = tokenHash });
        command.Parameters.Add(new NpgsqlParameter { Value = Lifetime });
        await command.ExecuteNonQueryAsync(ct);
        return code;
    }

    /// <summary>The token hash of an unused, unexpired link, which this marks used (once, however many ask at once); else null.</summary>
    public async Task<string?> ConsumeAsync(string code, CancellationToken ct)
    {
        if (code.Length is 0 or > 200) return null;
        await using var command = dataSource.CreateCommand(
            $"update {Name} set used_at = now() where code_hash = $1 and used_at is null and expires_at > now() returning token_hash");
        command.Parameters.Add(new NpgsqlParameter { Value = BearerToken.Hash(code) });
        return await command.ExecuteScalarAsync(ct) as string;
    }
}

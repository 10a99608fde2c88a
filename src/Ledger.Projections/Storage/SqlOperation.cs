using Weasel.Core;
using Weasel.Storage;

namespace Ledger.Projections.Storage;

/// <summary>
/// One SQL statement with typed (array) parameters, queued into a Marten session's batch so it
/// commits in the same transaction as the events that caused it. Placeholders are <c>?</c>.
/// </summary>
public sealed class SqlOperation(string sql, params object[] parameters) : Marten.Internal.Operations.IStorageOperation
{
    public Type DocumentType => typeof(SqlOperation);

    public void ConfigureCommand(Weasel.Postgresql.ICommandBuilder builder, IStorageSession session)
    {
        var parts = sql.Split('?');
        if (parts.Length != parameters.Length + 1)
            throw new InvalidOperationException($"SQL has {parts.Length - 1} placeholders but {parameters.Length} parameters");
        builder.Append(parts[0]);
        for (var i = 0; i < parameters.Length; i++)
        {
            builder.AppendParameter(parameters[i]);
            builder.Append(parts[i + 1]);
        }
    }

    public Task PostprocessAsync(System.Data.Common.DbDataReader reader, IList<Exception> exceptions, CancellationToken token) =>
        Task.CompletedTask;

    public OperationRole Role() => OperationRole.Other;
}

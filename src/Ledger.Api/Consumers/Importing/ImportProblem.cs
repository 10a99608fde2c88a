namespace Ledger.Api.Consumers.Importing;

/// <summary>A refused row of an import: the 1-based line (the header is line 1), the column, and why.</summary>
public sealed record ImportProblem(int Line, string Field, string Message);

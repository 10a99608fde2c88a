namespace Ledger.Api.Problems;

/// <summary>Every error leaves as an RFC 7807 problem document, including 401, 403 and 404.</summary>
public static class ProblemSetup
{
    public static IServiceCollection AddLedgerProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    public static void UseLedgerProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }
}

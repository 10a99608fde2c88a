using System.Globalization;
using System.Threading.RateLimiting;
using Ledger.Api.Auth;
using Ledger.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Http;

/// <summary>
/// ASP.NET Core's rate limiter, ahead of authentication: an address that failed authentication too
/// often is refused (<see cref="FailedAuthentications"/>), then each caller has its own window: a
/// token by its hash (the raw token is never a key), a request without one by its address.
/// Health probes are exempt (<c>DisableRateLimiting</c> where they are mapped).
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddLedgerRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection("Ledger:RateLimits"));
        services.AddSingleton<FailedAuthentications>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, FailedAuthentications>((o, limits, failures) =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(failures.Gate, Callers(limits.Value));
            o.OnRejected = RefuseAsync;
        });
        return services;
    }

    /// <summary>The connection's address. Behind a proxy this is the proxy's: see docs/operations.md.</summary>
    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "";

    private static PartitionedRateLimiter<HttpContext> Callers(RateLimitOptions limits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (BearerTokenHandler.PresentedToken(context.Request) is not { } token)
                return PerMinute(limits.AnonymousRequestsPerMinute, "address " + AddressOf(context));
            var (kind, limit) = IsIngest(context) ? ("ingest ", limits.IngestRequestsPerMinute) : ("token ", limits.TokenRequestsPerMinute);
            // Off by default for the gateway's requests, which then skip hashing the token.
            return limit <= 0 ? Unlimited : PerMinute(limit, kind + BearerToken.Hash(token));
        });

    private static readonly RateLimitPartition<string> Unlimited = RateLimitPartition.GetNoLimiter("");

    /// <summary>The gateway's endpoints are those that require the ingest policy.</summary>
    private static bool IsIngest(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Ingest) == true;

    private static RateLimitPartition<string> PerMinute(int limit, string key) => limit <= 0
        ? Unlimited
        : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = http.Items.ContainsKey(typeof(FailedAuthentications))
            ? "Too many requests from this address presented a token that was refused. Wait before trying again."
            : "Too many requests from this caller in the last minute. Wait before trying again.";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Title = "Too many requests",
                Detail = $"{detail} Retry after {seconds} s.",
            },
        });
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Ledger.Api.Access.Members;
using Ledger.Api.Access.Tokens;
using Ledger.Api.Activity.Exporting;
using Ledger.Api.Admissions.Admitting;
using Ledger.Api.Audit.Reading;
using Ledger.Api.Background;
using Ledger.Api.Consumers.Activity;
using Ledger.Api.Consumers.Defaults;
using Ledger.Api.Consumers.Importing;
using Ledger.Api.Consumers.Listing;
using Ledger.Api.Consumers.Overriding;
using Ledger.Api.Consumers.Registering;
using Ledger.Api.Consumers.Retiring;
using Ledger.Api.Consumers.Summarizing;
using Ledger.Api.Consumers.Tagging;
using Ledger.Api.Keys.Limiting;
using Ledger.Api.Keys.Listing;
using Ledger.Api.Keys.Registering;
using Ledger.Api.ModelPrices.Listing;
using Ledger.Api.ModelPrices.Setting;
using Ledger.Api.ModelPrices.Unpriced;
using Ledger.Api.OrganizationUsage.GettingTotals;
using Ledger.Api.Teams.Limiting;
using Ledger.Api.Usage.LiteLlm;
using Ledger.Api.Usage.Otlp;
using Ledger.Api.Usage.Settling;
using Ledger.Api.Validation;
using Ledger.Api.Webhooks.Deleting;
using Ledger.Api.Webhooks.Deliveries;
using Ledger.Api.Webhooks.Listing;
using Ledger.Api.Webhooks.Registering;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Ledger.Api.Http;

public static class HttpSetup
{
    /// <summary>Read-side queries, write-side I/O shells and the scope resolver are plain singletons.</summary>
    private static readonly string[] ServiceSuffixes = ["Query", "Writer", "Scope"];

    public static IServiceCollection AddLedgerHttp(this IServiceCollection services)
    {
        // snake_case on the wire, as the reference guide names fields. The ingest body has its own
        // stricter, source-generated contract (UsageJsonContext).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
            // A misspelt field ("rpm_limt") must not silently read as null, which would remove a cap.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // Numbers are numbers: the web defaults would read "60" as 60.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // "USER_ID" is not user_id, and a field given twice is an error rather than the last one winning.
            o.SerializerOptions.PropertyNameCaseInsensitive = false;
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            o.SerializerOptions.Converters.Add(new AmountConverter());
            o.SerializerOptions.Converters.Add(new NfcStringConverter());
        });
        // Unreadable bodies throw, so BadRequestExceptionHandler answers them with a problem document.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddHostedService<Retention>();
        ValidationFilter.UseWireNames();
        services.Scan(scan => scan.FromAssemblyOf<Program>()
            .AddClasses(c => c.AssignableTo(typeof(IValidator<>))).AsImplementedInterfaces().WithSingletonLifetime()
            // Ledger's own namespaces only: the generated OTLP messages have an InstrumentationScope.
            .AddClasses(c => c.InNamespaces("Ledger").Where(t => ServiceSuffixes.Any(s => t.Name.EndsWith(s, StringComparison.Ordinal)))).AsSelf().WithSingletonLifetime());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static void MapLedgerEndpoints(this WebApplication app)
    {
        // Probes are never rate-limited: an orchestrator must always get the true answer.
        app.MapHealthChecks("/health/ready").DisableRateLimiting();
        // Liveness: the process answers HTTP; no check runs, so a database outage does not get the process restarted.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        // Grouped only to name each area in the OpenAPI document (/docs); no prefix, no other convention.
        var gateway = app.MapGroup("").WithTags("Gateway");
        gateway.MapAdmit();
        gateway.MapSettleUsage();
        gateway.MapLiteLlmUsage();
        gateway.MapOtlpTraces();
        var consumers = app.MapGroup("").WithTags("Consumers");
        consumers.MapListConsumers();
        consumers.MapConsumerSummary();
        consumers.MapConsumerActivity();
        consumers.MapPreRegister();
        consumers.MapBulkImport();
        consumers.MapRetireConsumer();
        consumers.MapListTags();
        consumers.MapAddTag();
        consumers.MapRemoveTag();
        consumers.MapListOverrides();
        consumers.MapPutOverride();
        consumers.MapConsumerDefaults();
        var activity = app.MapGroup("").WithTags("Activity");
        activity.MapActivityExport();
        activity.MapOrganizationUsage();
        activity.MapAuditLog();
        var access = app.MapGroup("").WithTags("Members and tokens");
        access.MapAddMember();
        access.MapChangeRole();
        access.MapListMembers();
        access.MapIssueToken();
        access.MapRevokeToken();
        access.MapIssueIngestToken();
        var keys = app.MapGroup("").WithTags("Keys and teams");
        keys.MapListKeys();
        keys.MapRegisterKey();
        keys.MapPutKeyLimits();
        keys.MapPutTeamLimits();
        var webhooks = app.MapGroup("").WithTags("Webhooks");
        webhooks.MapRegisterWebhook();
        webhooks.MapListWebhooks();
        webhooks.MapDeleteWebhook();
        webhooks.MapListDeliveries();
        webhooks.MapRetryDelivery();
        var prices = app.MapGroup("").WithTags("Model prices");
        prices.MapGetModelPrices();
        prices.MapPutModelPrices();
        prices.MapUnpricedModels();
    }
}

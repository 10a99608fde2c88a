using Ledger.Api.Auth;
using Ledger.Api.Background;
using Ledger.Api.Cli;
using Ledger.Api.Dashboard;
using Ledger.Api.Http;
using Ledger.Api.Problems;
using Ledger.Api.Storage;
using Ledger.Api.Telemetry;
using Ledger.Ingest;

if (args is ["org", ..]) return await OrgCommand.RunAsync(args[1..]);
if (args is ["projections", ..]) return await ProjectionsCommand.RunAsync(args[1..]);

// appsettings.json sits next to the dll; ./ledger and the benchmarks start it from elsewhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["LEDGER_URL"] ?? "http://127.0.0.1:5080");
builder.WebHost.ConfigureLedgerServer();
builder.Services.AddLedgerStore(builder.Configuration);
builder.Services.AddLedgerIngest(builder.Configuration);
builder.Services.AddLedgerMessaging(builder.Configuration);
builder.Services.AddLedgerAuth(builder.Configuration);
builder.Services.AddLedgerRateLimits(builder.Configuration);
builder.Services.AddLedgerProblems();
builder.Services.AddLedgerHttp();
builder.Services.AddLedgerApiDocs();
builder.Services.AddLedgerTelemetry(builder.Configuration);
builder.Services.AddLedgerTracing(builder.Configuration);
builder.Services.AddLedgerDashboard(builder.Configuration);

var app = builder.Build();
app.UseLedgerResponseHeaders();
app.UseLedgerRequestLog();
app.UseLedgerUsageRefusals();
app.UseLedgerProblems();
app.UseLedgerDashboardFiles();
app.UseRateLimiter(); // before authentication: a refused address costs no token lookup
app.UseAuthentication();
app.UseAuthorization();
app.UseLedgerDashboardAntiforgery();
app.MapLedgerEndpoints();
app.MapLedgerApiDocs();
app.MapLedgerMetrics();
app.MapLedgerDashboard();
await app.RunAsync();
return 0;

public partial class Program;

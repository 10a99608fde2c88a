using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// The dashboard as a person uses it: the API as <c>./ledger up</c> runs it (its own process, the
/// async projections running) and Debian's Chromium driven by Playwright. Each test makes its own
/// organization, so tests share the process and the browser but no data.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ApiProcess Api { get; } = ApiProcess.WithAsyncProjections();

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Debian's package (<c>./ledger test</c> installs it); LEDGER_CHROMIUM points elsewhere.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("LEDGER_CHROMIUM") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Api.DisposeAsync();
    }

    public sealed record Organization(string Name, Guid Id, string OwnerToken, string IngestToken);

    /// <summary>A new organization under a name of its own (the pages' addresses carry it), as <c>ledger org create</c> makes it.</summary>
    public async Task<Organization> OrganizationAsync(string owner = "alice")
    {
        var name = "acme-" + Guid.NewGuid().ToString("N")[..10];
        var created = await Api.OrganizationAsync(name, owner);
        return new Organization(name, created.OrganizationId, created.OwnerToken, created.IngestToken);
    }

    /// <summary>A fresh browser (no cookies) at the given width; phones are 390 wide.</summary>
    public async Task<Visit> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Api.Url.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000); // a loaded 2-core machine; waits end as soon as their condition holds
        return new Visit(context, page);
    }

    /// <summary>A fresh browser signed in with the token through the sign-in page.</summary>
    public async Task<Visit> SignedInAsync(string token, int width = 1280)
    {
        var visit = await OpenAsync(width);
        await visit.SignInAsync(token);
        return visit;
    }

    public HttpClient Client(string? token = null) => Api.Client(token);
}

/// <summary>One browser context and its page, with what the page wrote to the console.</summary>
public sealed partial class Visit : IAsyncDisposable
{
    private readonly List<string> _consoleErrors = [];

    public Visit(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") _consoleErrors.Add($"{page.Url}: {message.Text}"); };
        page.PageError += (_, error) => _consoleErrors.Add($"{page.Url}: {error}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    public async Task SignInAsync(string token)
    {
        await Page.GotoAsync("/sign-in");
        await Page.GetByLabel("Token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // The page's address is polled, not a navigation event awaited: under load (CI, load average 9) waiting for the
            // navigation timed out three times while the page already showed the next page (Consumers, at /end-users).
            // What a test does next waits for its own elements anyway.
            await Assertions.Expect(Page).Not.ToHaveURLAsync(SignInPath(), new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            // Say what the person would see: a refusal shown on the sign-in page, or a page that never answered.
            throw new TimeoutException($"Signing in did not leave {Page.Url}; the page shows: {await Page.Locator("main").InnerTextAsync(new() { Timeout = 5000 })}", e);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("/sign-in")]
    private static partial System.Text.RegularExpressions.Regex SignInPath();

    /// <summary>Goes to a path and answers its HTTP status.</summary>
    public async Task<int> GoAsync(string path) => (await Page.GotoAsync(path))!.Status;

    /// <summary>axe-core's rules on the page as it is now: no serious or critical violation, and no error in the console.</summary>
    public async Task AssertAccessibleAsync()
    {
        var results = await Page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{Page.Url}:\n" + string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        AssertNoConsoleErrors();
    }

    public void AssertNoConsoleErrors() => Assert.True(_consoleErrors.Count == 0, string.Join("\n", _consoleErrors));

    /// <summary>Leaves a picture under the test output folder (for looking at a page while building it).</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardSite>
{
    public const string Name = "dashboard";
}

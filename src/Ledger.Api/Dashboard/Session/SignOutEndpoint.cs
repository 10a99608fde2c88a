using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Ledger.Api.Dashboard.Session;

public static class SignOutEndpoint
{
    /// <summary>A form post from every page's header; like every dashboard form it needs the antiforgery token.</summary>
    public static void MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost("/sign-out", async (HttpContext context) =>
            {
                // The middleware validates and records; an endpoint that binds no form must look itself.
                if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
                    return Results.BadRequest();
                await context.SignOutAsync(SessionSetup.Scheme);
                return Results.Redirect("/sign-in");
            })
            // The session's user, whom the page's antiforgery token was issued to.
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = SessionSetup.Scheme })
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
}

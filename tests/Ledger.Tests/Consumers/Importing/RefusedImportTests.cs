using System.Net;
using System.Text;
using Ledger.Tests.Infrastructure;
using static Ledger.Tests.Consumers.Importing.BulkImportTests;

namespace Ledger.Tests.Consumers.Importing;

[Collection(LedgerCollection.Name)]
public sealed class RefusedImportTests(LedgerApp app)
{
    [Fact]
    public async Task one_bad_row_imports_nothing_and_the_problem_lists_every_bad_row_by_file_line_and_field()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = Header +
            "tenant_ok,10,60,1000,fine\n" +           // 2
            "default_user_id,,,,\n" +                 // 3
            "tenant_b,-1,,,\n" +                      // 4
            "tenant_c,,1.5,,\n" +                     // 5
            "tenant_d,,,0,\n" +                       // 6
            $"tenant_e,,,,{new string('n', 501)}\n" + // 7
            "\n" +                                    // 8, blank
            "__ledger_probe,,abc,,\n" +               // 9
            "tenant_f,1000000001,,,\n" +              // 10
            ",5,,,\n" +                               // 11
            "tenant_g,1\n" +                          // 12
            "tab\there,,,,\n" +                       // 13
            "alice\u200b,,,,\n" +                    // 14
            "\u202etenant,,,,\n";                     // 15

        var problem = await (await ImportAsync(org.Owner, org.Id, csv)).ProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([(3, "end_user_id"), (4, "max_budget"), (5, "rpm_limit"), (6, "tpm_limit"), (7, "notes"), (9, "end_user_id"), (9, "rpm_limit"),
            (10, "max_budget"), (11, "end_user_id"), (12, "row"), (13, "end_user_id"),
            (14, "end_user_id"), (15, "end_user_id")],
            errors.Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).Order());
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString())));
        Assert.Equal(0, await TotalAsync(org));
    }

    [Theory]
    [InlineData("end_user_id,max_budget,colour\ntenant_acme,5,red\n", "colour")]
    [InlineData("max_budget,rpm_limit\n5,60\n", "end_user_id")]
    [InlineData("end_user_id,notes,notes\ntenant_acme,a,b\n", "notes")]
    public async Task a_header_with_an_unknown_or_repeated_column_or_without_end_user_id_is_refused(string csv, string field)
    {
        var org = await app.Scenarios.OrganizationAsync();

        var problem = await (await ImportAsync(org.Owner, org.Id, csv, "&mode=partial")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([(1, field)], Errors(problem));
        Assert.Equal(0, await TotalAsync(org));
    }

    [Fact]
    public async Task a_file_of_more_than_10000_rows_is_refused_with_413_though_under_2_mib()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = "end_user_id\n" + string.Concat(Enumerable.Range(0, 10_001).Select(i => $"t{i}\n"));
        Assert.True(Encoding.UTF8.GetByteCount(csv) < 2 * 1024 * 1024);

        var problem = await (await ImportAsync(org.Owner, org.Id, csv)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal([(0, "body")], Errors(problem));
        Assert.Equal(0, await TotalAsync(org));
    }

    [Fact]
    public async Task a_file_over_2_mib_is_refused_with_413()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var csv = Header + string.Concat(Enumerable.Range(0, 5000).Select(i => $"tenant_{i:D5},,,,{new string('n', 450)}\n"));
        Assert.True(Encoding.UTF8.GetByteCount(csv) is > 2 * 1024 * 1024 and < 3 * 1024 * 1024);

        await (await ImportAsync(org.Owner, org.Id, csv)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, await TotalAsync(org));
    }

    [Fact]
    public async Task a_body_that_is_not_text_csv_is_refused_with_415()
    {
        var org = await app.Scenarios.OrganizationAsync();

        await (await ImportAsync(org.Owner, org.Id, Header + "tenant_acme,,,,\n", type: "application/json")).ProblemAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(0, await TotalAsync(org));
    }

    [Fact]
    public async Task a_file_that_is_not_utf8_is_refused_with_400()
    {
        var org = await app.Scenarios.OrganizationAsync();
        var latin1 = Encoding.Latin1.GetBytes(Header + "tenant_acme,,,,caf\u00e9\n");

        await (await ImportAsync(org.Owner, org.Id, latin1)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(0, await TotalAsync(org));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("member")]
    public async Task only_owners_and_admins_import(string role)
    {
        var org = await app.Scenarios.OrganizationAsync();
        var other = await app.Scenarios.MemberAsync(org, "vera", role);
        var admin = await app.Scenarios.MemberAsync(org, "adam", "admin");

        await (await ImportAsync(other, org.Id, Header + "tenant_acme,,,,\n")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await ImportAsync(admin, org.Id, Header + "tenant_globex,,,,\n")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(["tenant_globex"], (await ConsumersAsync(org)).Select(r => r.GetProperty("end_user_id").GetString()));
    }

    [Fact]
    public async Task importing_into_another_organization_answers_404()
    {
        var acme = await app.Scenarios.OrganizationAsync();
        var globex = await app.Scenarios.OrganizationAsync("globex");

        await (await ImportAsync(globex.Owner, acme.Id, Header + "tenant_acme,,,,\n")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(0, await TotalAsync(acme));
        Assert.Equal(0, await TotalAsync(globex));
    }
}

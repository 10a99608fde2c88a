using Ledger.Api.Consumers.Importing;

namespace Ledger.Tests.Consumers.Importing;

public sealed class CsvTests
{
    [Fact]
    public void quoted_fields_may_hold_commas_and_doubled_quotes()
    {
        var record = Assert.Single(Records("tenant_acme,\"Pro plan, billed yearly\",\"say \"\"hi\"\"\",\"\"\n"));

        Assert.Equal(["tenant_acme", "Pro plan, billed yearly", "say \"hi\"", ""], record.Fields);
    }

    [Fact]
    public void empty_fields_are_kept_in_their_places()
    {
        var record = Assert.Single(Records("tenant_acme,,60,,\n"));

        Assert.Equal(["tenant_acme", "", "60", "", ""], record.Fields);
    }

    [Fact]
    public void a_line_break_inside_quotes_stays_in_the_field_and_later_records_keep_their_file_line()
    {
        var records = Records("end_user_id,notes\ntenant_acme,\"first\nsecond\nthird\"\ntenant_globex,x\n");

        Assert.Equal([1, 2, 5], records.Select(r => r.Line));
        Assert.Equal("first\nsecond\nthird", records[1].Fields[1]);
        Assert.Equal(["tenant_globex", "x"], records[2].Fields);
    }

    [Fact]
    public void a_crlf_inside_quotes_counts_as_one_line()
    {
        var records = Records("end_user_id,notes\r\ntenant_acme,\"one\r\ntwo\"\r\ntenant_globex,x\r\n");

        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
        Assert.Equal("one\r\ntwo", records[1].Fields[1]);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void crlf_lf_and_cr_line_ends_give_the_same_records(string end)
    {
        var records = Records($"end_user_id,rpm_limit{end}tenant_acme,60{end}tenant_globex,\"30\"{end}");

        Assert.Equal([1, 2, 3], records.Select(r => r.Line));
        Assert.Equal(["end_user_id", "rpm_limit"], records[0].Fields);
        Assert.Equal(["tenant_acme", "60"], records[1].Fields);
        Assert.Equal(["tenant_globex", "30"], records[2].Fields);
    }

    [Fact]
    public void the_last_record_needs_no_line_end()
    {
        var records = Records("end_user_id,notes\ntenant_acme,\"closed at the end\"");

        Assert.Equal(["tenant_acme", "closed at the end"], records[1].Fields);
    }

    [Fact]
    public void blank_lines_are_skipped_but_still_counted()
    {
        var records = Records("end_user_id\n\ntenant_acme\r\n\r\n\ntenant_globex\n\n");

        Assert.Equal([1, 3, 6], records.Select(r => r.Line));
        Assert.Equal(["tenant_acme", "tenant_globex"], records.Skip(1).Select(r => r.Fields.Single()));
    }

    [Fact]
    public void an_unterminated_quote_is_an_error_on_the_line_where_it_opens()
    {
        var (_, error) = Csv.Parse("end_user_id,notes\ntenant_acme,ok\ntenant_globex,\"never\nclosed\n\n");

        Assert.NotNull(error);
        Assert.Equal(3, error.Line);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("end_user_id,notes\ntenant_acme,ok\ntenant_globex,5\" screen\n", 3)]
    [InlineData("end_user_id,notes\ntenant_acme,\"quoted\"then text\n", 2)]
    [InlineData("end_user_id,notes\ntenant_acme,\"two\nlines\" trailing\n", 3)]
    [InlineData("end_user_id,notes\ntenant_acme, \"space before\"\n", 2)]
    public void a_stray_quote_is_an_error_on_its_line(string text, int line)
    {
        var (_, error) = Csv.Parse(text);

        Assert.NotNull(error);
        Assert.Equal(line, error.Line);
    }

    private static List<CsvRecord> Records(string text)
    {
        var (records, error) = Csv.Parse(text);
        Assert.Null(error);
        return [.. records];
    }
}

using Ledger.Domain.Consumers;

namespace Ledger.Tests.Domain;

public sealed class ReservedIdentifiersTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("default_user_id", null)]
    [InlineData("__ledger", null)]
    [InlineData("__ledger_healthcheck", null)]
    [InlineData("Default_User_Id", "Default_User_Id")]
    [InlineData("x__ledger", "x__ledger")]
    [InlineData("tenant_acme", "tenant_acme")]
    public void attributes_usage_to_a_consumer_unless_the_user_is_missing_or_reserved(string? user, string? expected) =>
        Assert.Equal(expected, ReservedIdentifiers.Default.Attribute(user));

    [Fact]
    public void reserved_identifiers_are_configurable()
    {
        var reserved = new ReservedIdentifiers(["anonymous"], ["sys:"]);

        Assert.Null(reserved.Attribute("anonymous"));
        Assert.Null(reserved.Attribute("sys:probe"));
        Assert.Equal("default_user_id", reserved.Attribute("default_user_id"));
    }
}

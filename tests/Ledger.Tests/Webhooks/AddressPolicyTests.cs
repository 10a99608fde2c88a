using Ledger.Api.Webhooks.Delivering;

namespace Ledger.Tests.Webhooks;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/h")]
    [InlineData("http://localhost/h")]
    [InlineData("http://10.1.2.3/h")]
    [InlineData("http://172.20.0.1/h")]
    [InlineData("http://192.168.1.1/h")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/h")]
    [InlineData("http://[fd00::1]/h")]
    [InlineData("http://[::ffff:127.0.0.1]/h")]
    public void internal_addresses_are_refused_unless_allowed(string url)
    {
        Assert.NotNull(AddressPolicy.Refusal(url, allowPrivate: false));
        Assert.Null(AddressPolicy.Refusal(url, allowPrivate: true));
    }

    [Theory]
    [InlineData("https://hooks.example.com/ledger")]
    [InlineData("http://93.184.216.34/h")]
    public void public_addresses_are_accepted(string url) => Assert.Null(AddressPolicy.Refusal(url, allowPrivate: false));
}

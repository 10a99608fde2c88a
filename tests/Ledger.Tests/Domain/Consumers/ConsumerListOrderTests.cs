using static Ledger.Domain.Consumers.Listing.ConsumerListOrder;

namespace Ledger.Tests.Domain.Consumers;

public sealed class ConsumerListOrderTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Figures[] Consumers =
    [
        new("b", 3, 300, 1.50m, Noon),
        new("a", 3, 100, 2.25m, Noon.AddHours(1)),
        new("c", 1, 300, 1.50m, null),
        new("d", 0, 0, 0m, null),
    ];

    [Theory]
    [InlineData("requests", new[] { "d", "c", "a", "b" })]
    [InlineData("total_tokens", new[] { "d", "a", "b", "c" })]
    [InlineData("total_spend", new[] { "d", "b", "c", "a" })]
    [InlineData("last_active", new[] { "c", "d", "b", "a" })]
    [InlineData("end_user_id", new[] { "a", "b", "c", "d" })]
    public void sorts_ascending_by_the_figure_then_by_name_with_never_active_first(string key, string[] expected) =>
        Assert.Equal(expected, Sort(Consumers, key));

    [Fact]
    public void names_compare_by_code_point_as_utf8_bytes_do()
    {
        string[] names = ["b", "B", "é", "\uE000", "\U0001F600", "ab", "a", ""];
        var sorted = Sort([.. names.Select(n => new Figures(n, 0, 0, 0m, null))], "end_user_id");
        var byUtf8 = names.OrderBy(n => System.Text.Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();
        Assert.Equal(byUtf8, sorted);
        Assert.Equal(["", "B", "a", "ab", "b", "é", "\uE000", "\U0001F600"], sorted);
    }

    [Fact]
    public void refuses_an_order_the_list_does_not_offer() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Sort(Consumers, "first_seen"));
}

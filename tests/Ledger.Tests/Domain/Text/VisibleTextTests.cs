using Ledger.Domain.Text;

namespace Ledger.Tests.Domain.Text;

public sealed class VisibleTextTests
{
    [Theory]
    [InlineData("\u200b")] // zero-width space
    [InlineData("\u200d")] // zero-width joiner
    [InlineData("\u202e")] // right-to-left override
    [InlineData("\u2066")] // left-to-right isolate
    [InlineData("\u00ad")] // soft hyphen
    [InlineData("\ufeff")] // byte order mark
    [InlineData("\u2028")] // line separator
    [InlineData("\u3164")] // Hangul filler
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    [InlineData("\t")]
    [InlineData("\U000E0041")] // tag latin capital letter A, a supplementary format character
    public void invisible_and_control_characters_are_hidden(string text) => Assert.True(VisibleText.HasHidden("a" + text + "b"));

    [Theory]
    [InlineData("tenant_acme:user_8f3a")]
    [InlineData("Zoë Ünal")]
    [InlineData("東京-チーム")]
    [InlineData("a b~!@#$%^&*()")]
    [InlineData("😀")]
    public void visible_text_has_nothing_hidden(string text) => Assert.False(VisibleText.HasHidden(text));

    [Fact]
    public void a_surrogate_without_its_pair_is_no_text() => Assert.True(VisibleText.HasHidden("a" + '\ud800' + "b"));

    [Fact]
    public void a_decomposed_letter_becomes_the_composed_one() => Assert.Equal("r\u00e9my", VisibleText.Nfc("re\u0301my"));

    [Fact]
    public void text_already_in_nfc_is_returned_as_it_is()
    {
        const string text = "tenant_acme";
        Assert.Same(text, VisibleText.Nfc(text));
    }
}

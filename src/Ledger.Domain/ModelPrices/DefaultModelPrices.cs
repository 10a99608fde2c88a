namespace Ledger.Domain.ModelPrices;

/// <summary>
/// The prices Ledger ships for common models, used where an organization has set none of its own.
/// Per million tokens, the standard (non-batch, non-cached, shortest-context) tier. Source and
/// date: <see cref="Source"/>, <see cref="AsOf"/>; docs/model-prices.md lists them and how to override.
/// </summary>
public static class DefaultModelPrices
{
    public const string Source =
        "LiteLLM model_prices_and_context_window.json (github.com/BerriAI/litellm, commit 00035b69f416be24e2e323c13198d9b7d2d1bdf9)";

    public static readonly DateOnly AsOf = new(2026, 12, 6);

    public static ModelPrice? Of(string model) => Table.GetValueOrDefault(model);

    public static IReadOnlyDictionary<string, ModelPrice> All => Table;

    private static readonly Dictionary<string, ModelPrice> Table = new(StringComparer.Ordinal)
    {
        // OpenAI
        ["gpt-3.5-turbo"] = new(0.5m, 1.5m),
        ["gpt-4"] = new(30m, 60m),
        ["gpt-4-turbo"] = new(10m, 30m),
        ["gpt-4-turbo-2024-04-09"] = new(10m, 30m),
        ["gpt-4o"] = new(2.5m, 10m),
        ["gpt-4o-2024-05-13"] = new(5m, 15m),
        ["gpt-4o-2024-08-06"] = new(2.5m, 10m),
        ["gpt-4o-2024-11-20"] = new(2.5m, 10m),
        ["chatgpt-4o-latest"] = new(5m, 15m),
        ["gpt-4o-mini"] = new(0.15m, 0.6m),
        ["gpt-4o-mini-2024-07-18"] = new(0.15m, 0.6m),
        ["gpt-4.1"] = new(2m, 8m),
        ["gpt-4.1-2025-04-14"] = new(2m, 8m),
        ["gpt-4.1-mini"] = new(0.4m, 1.6m),
        ["gpt-4.1-mini-2025-04-14"] = new(0.4m, 1.6m),
        ["gpt-4.1-nano"] = new(0.1m, 0.4m),
        ["gpt-4.1-nano-2025-04-14"] = new(0.1m, 0.4m),
        ["gpt-5"] = new(1.25m, 10m),
        ["gpt-5.1"] = new(1.25m, 10m),
        ["gpt-5.1-2025-11-13"] = new(1.25m, 10m),
        ["gpt-5.2"] = new(1.75m, 14m),
        ["gpt-5.2-2025-12-11"] = new(1.75m, 14m),
        ["o1-pro"] = new(150m, 600m),
        ["o3"] = new(2m, 8m),
        ["o3-2025-04-16"] = new(2m, 8m),
        ["o3-mini"] = new(1.1m, 4.4m),
        ["o3-mini-2025-01-31"] = new(1.1m, 4.4m),
        ["o3-pro"] = new(20m, 80m),
        ["o4-mini"] = new(1.1m, 4.4m),
        ["o4-mini-2025-04-16"] = new(1.1m, 4.4m),
        // Anthropic
        ["claude-3-haiku-20240307"] = new(0.25m, 1.25m),
        ["claude-3-opus-20240229"] = new(15m, 75m),
        ["claude-3-7-sonnet-20250219"] = new(3m, 15m),
        ["claude-4-sonnet-20250514"] = new(3m, 15m),
        ["claude-4-opus-20250514"] = new(15m, 75m),
        ["claude-opus-4-20250514"] = new(15m, 75m),
        ["claude-opus-4-1"] = new(15m, 75m),
        ["claude-opus-4-1-20250805"] = new(15m, 75m),
        ["claude-sonnet-4-5"] = new(3m, 15m),
        ["claude-sonnet-4-5-20250929"] = new(3m, 15m),
        ["claude-sonnet-4-6"] = new(3m, 15m),
        ["claude-haiku-4-5"] = new(1m, 5m),
        ["claude-haiku-4-5-20251001"] = new(1m, 5m),
        ["claude-opus-4-5"] = new(5m, 25m),
        ["claude-opus-4-5-20251101"] = new(5m, 25m),
        ["claude-opus-4-6"] = new(5m, 25m),
        ["claude-opus-4-7"] = new(5m, 25m),
        // Google Gemini (LiteLLM's "gemini/" names; a prefix before the last '/' is ignored on lookup)
        ["gemini-2.0-flash"] = new(0.1m, 0.4m),
        ["gemini-2.0-flash-001"] = new(0.1m, 0.4m),
        ["gemini-2.0-flash-lite"] = new(0.075m, 0.3m),
        ["gemini-2.5-pro"] = new(1.25m, 10m),
        ["gemini-2.5-flash"] = new(0.3m, 2.5m),
        ["gemini-2.5-flash-lite"] = new(0.1m, 0.4m),
        ["gemini-3-pro-preview"] = new(2m, 12m),
        ["gemini-flash-latest"] = new(0.3m, 2.5m),
        ["gemini-flash-lite-latest"] = new(0.1m, 0.4m),
    };
}

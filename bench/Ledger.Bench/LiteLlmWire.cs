using Ledger.Domain.Usage;

namespace Ledger.Bench;

/// <summary>
/// Generated usage as LiteLLM's generic_api logger posts it (a StandardLoggingPayload), with the
/// fields Ledger skips at a realistic size: a short exchange, the model map, hidden params.
/// </summary>
public static class LiteLlmWire
{
    public static object Payload(UsageSettled u)
    {
        var start = u.OccurredAt.ToUnixTimeMilliseconds() / 1000.0;
        var end = start + (u.LatencyMs ?? 0) / 1000.0;
        return new
        {
            id = u.RequestId,
            trace_id = (string?)null,
            call_type = "acompletion",
            cache_hit = (bool?)null,
            stream = false,
            status = u.Status == UsageStatus.Success ? "success" : "failure",
            custom_llm_provider = u.Provider,
            saved_cache_cost = 0.0,
            startTime = start,
            endTime = end,
            completionStartTime = end,
            response_time = end - start,
            model = u.Model,
            metadata = new
            {
                user_api_key_hash = u.KeyId,
                user_api_key_alias = "bench-" + u.KeyId,
                user_api_key_team_id = u.TeamId,
                user_api_key_org_id = (string?)null,
                user_api_key_user_id = "bench@example.com",
                user_api_key_team_alias = u.TeamId,
                spend_logs_metadata = (object?)null,
                requester_ip_address = "10.0.0.7",
                user_api_key_end_user_id = (string?)null,
                applied_guardrails = Array.Empty<string>(),
            },
            cache_key = (string?)null,
            response_cost = u.CostUsd,
            total_tokens = u.InputTokens + u.OutputTokens,
            prompt_tokens = u.InputTokens,
            completion_tokens = u.OutputTokens,
            request_tags = new[] { "bench" },
            end_user = u.EndUserId ?? "",
            api_base = "https://api.openai.com",
            model_group = u.Model,
            model_id = "",
            requester_ip_address = (string?)null,
            messages = new[] { new { role = "user", content = "Summarize the attached quarterly report in three bullet points." } },
            response = new
            {
                id = u.RequestId,
                @object = "chat.completion",
                choices = new[] { new { finish_reason = "stop", index = 0, message = new { role = "assistant", content = "- Revenue grew 12%\n- Costs held flat\n- Outlook raised" } } },
                usage = new { prompt_tokens = u.InputTokens, completion_tokens = u.OutputTokens, total_tokens = u.InputTokens + u.OutputTokens },
            },
            model_parameters = new { temperature = 0.2, max_tokens = 512 },
            hidden_params = new { model_id = (string?)null, api_base = "https://api.openai.com", response_cost = u.CostUsd, litellm_model_name = u.Model },
            model_map_information = new
            {
                model_map_key = u.Model,
                model_map_value = new { input_cost_per_token = 2.5e-06, output_cost_per_token = 1e-05, max_tokens = 16384, litellm_provider = u.Provider, mode = "chat" },
            },
            error_str = (string?)null,
            error_information = new { error_code = "", error_class = "", llm_provider = "", traceback = "", error_message = "" },
        };
    }
}

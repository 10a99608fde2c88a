using System.Text.Json.Nodes;

namespace Ledger.Tests.Usage;

/// <summary>
/// LiteLLM <c>StandardLoggingPayload</c>s as the proxy's generic_api logger posts them, shaped after
/// LiteLLM's own fixture (tests/logging_callback_tests/gcs_pub_sub_body/standard_logging_payload.json)
/// and docs/my-website/docs/proxy/logging_spec.md: dozens of fields Ledger ignores, messages and the response included.
/// </summary>
public static class LiteLlmPayloads
{
    /// <summary>A proxy request; times are epoch seconds (a double) or a string, as LiteLLM sends them.</summary>
    public static JsonObject Payload(string id, string? endUser = "tenant_acme", string? keyHash = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
        string? keyAlias = "prod-key", string? team = "team-platform", string? endUserInKey = null, string model = "gpt-4o",
        string modelGroup = "", string provider = "openai", long prompt = 10, long completion = 20, double? cost = 0.00022500000000000002,
        string status = "success", JsonNode? start = null, JsonNode? end = null)
    {
        start ??= Epoch(DateTimeOffset.UtcNow.AddMinutes(-5));
        end ??= start.GetValueKind() == System.Text.Json.JsonValueKind.Number ? start.GetValue<double>() + 0.75 : start.DeepClone();
        return new JsonObject
        {
            ["id"] = id,
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["call_type"] = "acompletion",
            ["cache_hit"] = null,
            ["stream"] = true,
            ["status"] = status,
            ["custom_llm_provider"] = provider,
            ["saved_cache_cost"] = 0.0,
            ["startTime"] = start,
            ["endTime"] = end,
            ["completionStartTime"] = end?.DeepClone(),
            ["response_time"] = 0.75,
            ["model"] = model,
            ["metadata"] = new JsonObject
            {
                ["user_api_key_hash"] = keyHash,
                ["user_api_key_alias"] = keyAlias,
                ["user_api_key_team_id"] = team,
                ["user_api_key_org_id"] = null,
                ["user_api_key_user_id"] = "alice@example.com",
                ["user_api_key_team_alias"] = "platform",
                ["user_api_key_user_email"] = null,
                ["spend_logs_metadata"] = null,
                ["requester_ip_address"] = "10.0.0.7",
                ["requester_metadata"] = new JsonObject { ["user"] = "someone-else" },
                ["user_api_key_end_user_id"] = endUserInKey,
                ["applied_guardrails"] = new JsonArray(),
                ["mcp_tool_call_metadata"] = null,
            },
            ["cache_key"] = null,
            ["response_cost"] = cost,
            ["total_tokens"] = prompt + completion,
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["request_tags"] = new JsonArray("prod"),
            ["end_user"] = endUser,
            ["api_base"] = "https://api.openai.com",
            ["model_group"] = modelGroup,
            ["model_id"] = "",
            ["requester_ip_address"] = null,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello, world! (a secret the ledger must not keep)" }),
            ["response"] = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["finish_reason"] = "stop",
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["content"] = "hi", ["role"] = "assistant", ["tool_calls"] = null },
                }),
                ["usage"] = new JsonObject { ["completion_tokens"] = completion, ["prompt_tokens"] = prompt, ["total_tokens"] = prompt + completion },
            },
            ["model_parameters"] = new JsonObject { ["temperature"] = 0.2 },
            ["hidden_params"] = new JsonObject
            {
                ["model_id"] = null,
                ["api_base"] = "https://api.openai.com",
                ["response_cost"] = cost,
                ["additional_headers"] = new JsonObject(),
                ["litellm_model_name"] = model,
            },
            ["model_map_information"] = new JsonObject
            {
                ["model_map_key"] = model,
                ["model_map_value"] = new JsonObject { ["input_cost_per_token"] = 2.5e-06, ["output_cost_per_token"] = 1e-05, ["litellm_provider"] = provider },
            },
            ["error_str"] = status == "failure" ? "litellm.RateLimitError: OpenAIException - Rate limit reached" : null,
            ["error_information"] = new JsonObject
            {
                ["error_code"] = status == "failure" ? "429" : "",
                ["error_class"] = status == "failure" ? "RateLimitError" : "",
                ["llm_provider"] = status == "failure" ? provider : "",
                ["traceback"] = "",
                ["error_message"] = "",
            },
            ["response_cost_failure_debug_info"] = null,
            ["guardrail_information"] = null,
            ["standard_built_in_tools_params"] = new JsonObject { ["web_search_options"] = null, ["file_search"] = null },
        };
    }

    public static JsonNode Epoch(DateTimeOffset at) => JsonValue.Create(at.ToUnixTimeMilliseconds() / 1000.0 + 0.000371)!;

    /// <summary>Python's str(datetime) of a UTC time: "2025-01-24 09:20:46.847371".</summary>
    public static JsonNode PythonTime(DateTimeOffset at) => JsonValue.Create(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff"))!;

    public static string ArrayBody(params JsonObject[] payloads) => new JsonArray([.. payloads]).ToJsonString();

    public static string NdjsonBody(params JsonObject[] payloads) => string.Join("\n", payloads.Select(p => p.ToJsonString()));

    public static JsonObject Without(this JsonObject payload, string field)
    {
        payload.Remove(field);
        return payload;
    }

    public static JsonObject With(this JsonObject payload, string field, JsonNode? value)
    {
        payload[field] = value;
        return payload;
    }
}

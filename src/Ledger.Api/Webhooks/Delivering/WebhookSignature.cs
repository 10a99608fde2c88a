using System.Security.Cryptography;
using System.Text;

namespace Ledger.Api.Webhooks.Delivering;

/// <summary>
/// Standard Webhooks signing: a secret <c>whsec_&lt;base64&gt;</c>, and per attempt the header
/// <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c> under the secret's decoded bytes.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret of 24 random bytes, as Standard Webhooks suggests (between 24 and 64).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
    }
}

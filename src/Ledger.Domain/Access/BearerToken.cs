using System.Security.Cryptography;
using System.Text;

namespace Ledger.Domain.Access;

/// <summary>
/// Bearer tokens are 256 random bits, so a plain SHA-256 is a safe one-way handle to store:
/// there is nothing to brute-force that a slow password hash would protect.
/// </summary>
public static class BearerToken
{
    private const string Prefix = "ldg_";

    public static string New() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

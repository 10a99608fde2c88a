using System.Security.Cryptography;

namespace Ledger.Api.Auth;

/// <summary>
/// The deployment's key-encryption key (<c>Ledger:Sessions:KeyEncryptionKey</c>, 32 bytes in base64,
/// which <c>./ledger up</c> keeps in <c>.data/session.key</c>) and AES-256-GCM under it: what seals the
/// dashboard's session keys and the webhooks' signing secrets before they reach PostgreSQL, so a copy
/// of the database alone reveals neither. Every node needs the same key.
/// </summary>
public static class KeyEncryption
{
    public const string Setting = "Ledger:Sessions:KeyEncryptionKey";

    /// <summary>The configured key, or null when none is set; a key that is not 32 bytes of base64 stops the start.</summary>
    public static byte[]? KeyFrom(IConfiguration configuration)
    {
        if (configuration[Setting] is not { Length: > 0 } text) return null;
        var key = Convert.TryFromBase64String(text.Trim(), new byte[64], out var length) ? Convert.FromBase64String(text.Trim()) : null;
        return key is { Length: 32 } && length == 32
            ? key
            : throw new InvalidOperationException($"{Setting} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
    }

    public static (byte[] Nonce, byte[] Tag, byte[] Cipher) Encrypt(byte[] key, byte[] plain)
    {
        var (nonce, tag, cipher) = (RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize), new byte[AesGcm.TagByteSizes.MaxSize], new byte[plain.Length]);
        using var aes = new AesGcm(key, tag.Length);
        aes.Encrypt(nonce, plain, cipher, tag);
        return (nonce, tag, cipher);
    }

    public static byte[] Decrypt(byte[] key, byte[] nonce, byte[] tag, byte[] cipher)
    {
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, tag.Length);
        aes.Decrypt(nonce, cipher, tag, plain);
        return plain;
    }

    /// <summary>One sealed value as one string: nonce, tag and cipher text, in base64.</summary>
    public static string Seal(byte[] key, byte[] plain)
    {
        var (nonce, tag, cipher) = Encrypt(key, plain);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public static byte[] Open(byte[] key, string sealedValue)
    {
        var bytes = Convert.FromBase64String(sealedValue);
        var (n, t) = (AesGcm.NonceByteSizes.MaxSize, AesGcm.TagByteSizes.MaxSize);
        return Decrypt(key, bytes[..n], bytes[n..(n + t)], bytes[(n + t)..]);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// Encrypts the session keys before they reach PostgreSQL (AES-256-GCM under
/// <c>Ledger:Sessions:KeyEncryptionKey</c>, which <c>./ledger up</c> keeps in <c>.data/session.key</c>),
/// so a copy of the database alone cannot forge a session. Every node needs the same key.
/// </summary>
public sealed class SessionKeyEncryption(byte[] key) : IXmlEncryptor
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

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var (nonce, tag, cipher) = (RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize), new byte[AesGcm.TagByteSizes.MaxSize], new byte[plain.Length]);
        using (var aes = new AesGcm(key, tag.Length)) aes.Encrypt(nonce, plain, cipher, tag);
        var element = new XElement("ledgerEncryptedKey",
            new XElement("nonce", Convert.ToBase64String(nonce)), new XElement("tag", Convert.ToBase64String(tag)), new XElement("value", Convert.ToBase64String(cipher)));
        return new EncryptedXmlInfo(element, typeof(Decryptor));
    }

    /// <summary>Made by the data protection system with the service provider, as it makes every decryptor.</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var key = KeyFrom(services.GetRequiredService<IConfiguration>())
                ?? throw new InvalidOperationException($"The session keys are encrypted, but {Setting} is not set.");
            byte[] Part(string name) => Convert.FromBase64String((string)encryptedElement.Element(name)!);
            var (nonce, tag, cipher) = (Part("nonce"), Part("tag"), Part("value"));
            var plain = new byte[cipher.Length];
            using (var aes = new AesGcm(key, tag.Length)) aes.Decrypt(nonce, cipher, tag, plain);
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}

using System.Text;
using System.Xml.Linq;
using Ledger.Api.Auth;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Ledger.Api.Dashboard.Session;

/// <summary>
/// Encrypts the session keys before they reach PostgreSQL (<see cref="KeyEncryption"/>), so a copy
/// of the database alone cannot forge a session.
/// </summary>
public sealed class SessionKeyEncryption(byte[] key) : IXmlEncryptor
{
    public const string Setting = KeyEncryption.Setting;

    /// <summary>The configured key, or null when none is set; a key that is not 32 bytes of base64 stops the start.</summary>
    public static byte[]? KeyFrom(IConfiguration configuration) => KeyEncryption.KeyFrom(configuration);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var (nonce, tag, cipher) = KeyEncryption.Encrypt(key, plain);
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
            var plain = KeyEncryption.Decrypt(key, nonce, tag, cipher);
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}

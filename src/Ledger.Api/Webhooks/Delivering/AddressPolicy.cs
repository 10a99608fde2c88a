using System.Net;
using System.Net.Sockets;

namespace Ledger.Api.Webhooks.Delivering;

/// <summary>
/// Keeps webhook URLs off the network Ledger runs in (SSRF) unless <see cref="WebhookOptions.AllowPrivateAddresses"/>:
/// a URL naming an internal address is refused when registered, and every delivery connects only to a
/// public address its host resolves to at that moment, so a name that later resolves inward gets nothing.
/// </summary>
public static class AddressPolicy
{
    /// <summary>Loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT, unspecified and multicast addresses.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }

    /// <summary>Why the URL is refused at registration, or null: not absolute http(s), or (when refused) naming an internal host.</summary>
    public static string? Refusal(string url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return "must be an absolute http or https URL.";
        if (uri.UserInfo.Length > 0) return "must not carry a user name or password.";
        if (allowPrivate) return null;
        var host = uri.IdnHost.TrimEnd('.');
        var inward = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsInternal(ip));
        return inward ? "must not point at a loopback or private address." : null;
    }

    /// <summary>The connection step of the delivery client: resolves the host and connects only to an address allowed now.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(bool allowPrivate) => async (context, ct) =>
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(a => allowPrivate || !IsInternal(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address; refused (Ledger:Webhooks:AllowPrivateAddresses).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}

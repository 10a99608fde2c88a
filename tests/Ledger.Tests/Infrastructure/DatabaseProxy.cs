using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ledger.Tests.Infrastructure;

/// <summary>
/// A TCP relay in front of the test database, so that a test can take the database away from a
/// running host (<see cref="CutAsync"/>): open connections break and new ones are refused, as when
/// PostgreSQL stops. The host cannot start without its database, so this is how an outage is staged.
/// </summary>
public sealed class DatabaseProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _open = [];
    private readonly (string Host, int Port) _target;
    private readonly Task _accepting;
    private bool _cut;

    public string ConnectionString { get; }

    public DatabaseProxy(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _target = (builder.Host!, builder.Port);
        _listener.Start();
        builder.Host = "127.0.0.1";
        builder.Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        ConnectionString = builder.ConnectionString;
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            var server = new TcpClient();
            try
            {
                client = await _listener.AcceptTcpClientAsync();
                await server.ConnectAsync(_target.Host, _target.Port);
            }
            // Stop() while a connection is being relayed leaves the loop at a listener that no longer
            // listens: InvalidOperationException, not the SocketException of a pending accept.
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                server.Dispose();
                return;
            }
            lock (_open)
            {
                if (_cut)
                {
                    client.Client.Close(0);
                    server.Client.Close(0);
                    return;
                }
                _open.AddRange([client, server]);
            }
            _ = RelayAsync(client.GetStream(), server.GetStream());
            _ = RelayAsync(server.GetStream(), client.GetStream());
        }
    }

    private static async Task RelayAsync(Stream from, Stream to)
    {
        try { await from.CopyToAsync(to); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    /// <summary>The database goes away: the port stops listening and every relayed connection is reset.</summary>
    public async Task CutAsync()
    {
        lock (_open) _cut = true;
        _listener.Stop();
        await _accepting;
        lock (_open)
        {
            foreach (var c in _open) c.Client.Close(0);
            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync() => await CutAsync();
}

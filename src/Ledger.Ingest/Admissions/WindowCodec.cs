using System.Buffers.Binary;
using Ledger.Domain.Admissions;

namespace Ledger.Ingest.Admissions;

/// <summary>
/// A sliding window stored as bytes: per entry, its moment in Unix microseconds (8 bytes, big
/// endian) and its amount (8 bytes). At most <see cref="SlidingWindow.MaxEntries"/> entries, so a
/// row stays a few kilobytes.
/// </summary>
public static class WindowCodec
{
    private const int EntrySize = 16;

    public static byte[] Encode(IReadOnlyList<WindowEntry> window)
    {
        var bytes = new byte[window.Count * EntrySize];
        for (var i = 0; i < window.Count; i++)
        {
            var span = bytes.AsSpan(i * EntrySize);
            BinaryPrimitives.WriteInt64BigEndian(span, (window[i].At - DateTimeOffset.UnixEpoch).Ticks / 10);
            BinaryPrimitives.WriteInt64BigEndian(span[8..], window[i].Amount);
        }
        return bytes;
    }

    public static IReadOnlyList<WindowEntry> Decode(byte[] bytes)
    {
        var window = new WindowEntry[bytes.Length / EntrySize];
        for (var i = 0; i < window.Length; i++)
        {
            var span = bytes.AsSpan(i * EntrySize);
            window[i] = new WindowEntry(
                DateTimeOffset.UnixEpoch.AddTicks(BinaryPrimitives.ReadInt64BigEndian(span) * 10),
                BinaryPrimitives.ReadInt64BigEndian(span[8..]));
        }
        return window;
    }
}

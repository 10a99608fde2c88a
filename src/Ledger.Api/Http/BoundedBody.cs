using System.Buffers;
using System.IO.Pipelines;
using Ledger.Api.Problems;

namespace Ledger.Api.Http;

/// <summary>Reads a whole request body into the pipe's buffer, refusing it (413) past a limit.</summary>
public static class BoundedBody
{
    /// <summary>The caller must <c>AdvanceTo(body.End)</c> once it is done with the buffer.</summary>
    public static async Task<ReadOnlySequence<byte>> ReadAsync(PipeReader reader, long maxBytes, CancellationToken ct)
    {
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.End); // release the buffer so the server can discard the rest
                throw new RequestBodyTooLargeException(maxBytes);
            }
            if (read.IsCompleted) return read.Buffer;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}

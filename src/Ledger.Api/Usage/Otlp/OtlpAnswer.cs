using Google.Protobuf;
using Google.Rpc;

namespace Ledger.Api.Usage.Otlp;

/// <summary>
/// An OTLP/HTTP answer: the message in the request's own encoding, as the specification asks of
/// both the success response and the <c>google.rpc.Status</c> of a refused request.
/// </summary>
public sealed class OtlpAnswer(IMessage message, OtlpEncoding encoding, int statusCode) : IResult
{
    public static OtlpAnswer Refused(OtlpEncoding encoding, string message) =>
        new(new Status { Code = 3, Message = message }, encoding, StatusCodes.Status400BadRequest); // 3: google.rpc.Code INVALID_ARGUMENT

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (encoding == OtlpEncoding.Json)
        {
            httpContext.Response.ContentType = OtlpWire.Json;
            await httpContext.Response.WriteAsync(JsonFormatter.Default.Format(message), httpContext.RequestAborted);
        }
        else
        {
            httpContext.Response.ContentType = OtlpWire.Protobuf;
            await httpContext.Response.Body.WriteAsync(message.ToByteArray(), httpContext.RequestAborted);
        }
    }
}

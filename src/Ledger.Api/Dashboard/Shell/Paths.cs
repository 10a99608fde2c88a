namespace Ledger.Api.Dashboard.Shell;

/// <summary>Every dashboard page's address, built in one place. Pages live under the organization's name.</summary>
public static class Paths
{
    public static string Overview(string org) => "/" + Uri.EscapeDataString(org);

    public static string Consumers(string org) => Overview(org) + "/end-users";

    public static string Consumer(string org, string endUserId) => Consumers(org) + "/" + Uri.EscapeDataString(endUserId);

    public static string Activity(string org) => Overview(org) + "/activity";

    /// <summary>The activity log as a CSV download, with the same filters as the page (<c>user</c>, <c>model</c>, <c>start_date</c>, <c>end_date</c>).</summary>
    public static string ActivityCsv(string org) => Activity(org) + ".csv";

    public static string Keys(string org) => Overview(org) + "/keys";

    public static string Members(string org) => Overview(org) + "/settings/members";

    public static string AuditLog(string org) => Overview(org) + "/settings/audit-log";

    /// <summary>A path with its query string; null and empty values are left out, so a link carries only what was chosen.</summary>
    public static string With(string path, params (string Name, object? Value)[] query)
    {
        var parts = query
            .Where(q => q.Value is not null && !(q.Value is string s && s.Length == 0))
            .Select(q => q.Name + "=" + Uri.EscapeDataString(Convert.ToString(q.Value, System.Globalization.CultureInfo.InvariantCulture)!));
        var joined = string.Join('&', parts);
        return joined.Length == 0 ? path : path + "?" + joined;
    }
}

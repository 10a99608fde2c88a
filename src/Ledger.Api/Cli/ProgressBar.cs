namespace Ledger.Api.Cli;

/// <summary>
/// A rebuild's progress on the command line: one line redrawn in place on a terminal, or a line at
/// every tenth of the way when the output goes to a file or a pipe.
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive)
{
    private const int Width = 30;
    private int _lastTenth = -1;

    public void Report(long position, long target, TimeSpan elapsed)
    {
        var fraction = target > 0 ? Math.Clamp((double)position / target, 0, 1) : 1;
        var rate = elapsed.TotalSeconds > 0 ? position / elapsed.TotalSeconds : 0;
        var filled = (int)(fraction * Width);
        var line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {(int)(fraction * 100),3}%  {position:N0} / {target:N0} events  {rate:N0} events/s";
        if (interactive)
        {
            output.Write($"\r{line}");
            return;
        }
        var tenth = (int)(fraction * 10);
        if (tenth == _lastTenth) return;
        _lastTenth = tenth;
        output.WriteLine(line);
    }

    /// <summary>Ends the redrawn line, so what follows starts on a line of its own.</summary>
    public void Done()
    {
        if (interactive) output.WriteLine();
    }
}

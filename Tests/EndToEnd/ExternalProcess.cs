using System.Diagnostics;
using System.Text;

namespace OrleansSocket.Tests.EndToEnd;

/// <summary>Result of a finished (or timed out) external command.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, bool TimedOut, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    public string Describe() =>
        $"$ {CommandLine}\n" +
        (TimedOut ? $"TIMED OUT after {Elapsed.TotalSeconds:F0} s (process tree killed)\n" : $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n") +
        Output;
}

/// <summary>Runs commands with captured, interleaved stdout/stderr and a hard timeout.</summary>
internal static class ExternalProcess
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var commandLine = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList.Select(Quote)));
        var output = new OutputBuffer();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            return new ProcessResult(commandLine, -1, false, $"could not start: {ex.Message}", stopwatch.Elapsed);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            KillTree(process);
        }

        // let the asynchronous readers drain
        process.WaitForExit();
        return new ProcessResult(commandLine, timedOut ? -1 : process.ExitCode, timedOut, output.ToString(), stopwatch.Elapsed);
    }

    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:=,@%+".Contains(c)) ? s : $"'{s}'";
}

/// <summary>Thread-safe line buffer for process output.</summary>
internal sealed class OutputBuffer
{
    private readonly StringBuilder _text = new();

    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_text)
        {
            _text.AppendLine(line);
        }
    }

    public string Tail(int maxChars)
    {
        lock (_text)
        {
            return _text.Length <= maxChars ? _text.ToString() : "…" + _text.ToString(_text.Length - maxChars, maxChars);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}

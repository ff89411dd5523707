using System.Diagnostics;

namespace Points.Testing;

/// <summary>
/// Waits for API processes a test started (the built Points.Api.dll) to answer <c>/healthz</c>. Several processes
/// starting at once on two busy cores can take well over 30 s, so the budget is three minutes; a process that exits
/// fails at once with its own errors.
/// </summary>
public static class ApiProcessHealth
{
    /// <summary>How long all the processes together may take to answer.</summary>
    public static readonly TimeSpan StartupBudget = TimeSpan.FromMinutes(3);

    /// <summary>Returns when every process answers <c>/healthz</c> through its client, in order.</summary>
    /// <param name="processes">the started API processes</param>
    /// <param name="clients">one client per process, with its address</param>
    /// <param name="errorsOf">what process <c>i</c> wrote so far, for the failure message</param>
    public static async Task WaitAllAsync(IReadOnlyList<Process> processes, IReadOnlyList<HttpClient> clients, Func<int, string> errorsOf)
    {
        var ready = Stopwatch.StartNew();
        for (var i = 0; i < clients.Count; i++)
        {
            while (true)
            {
                if (processes[i].HasExited)
                {
                    throw new InvalidOperationException($"API process {i} exited during startup (exit code {processes[i].ExitCode}): {errorsOf(i)}");
                }

                try
                {
                    using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    if ((await clients[i].GetAsync("/healthz", probe.Token)).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                if (ready.Elapsed > StartupBudget)
                {
                    throw new TimeoutException($"API process {i} did not become healthy in {StartupBudget.TotalMinutes} minutes: {errorsOf(i)}");
                }

                await Task.Delay(100);
            }
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Points.Infrastructure.WeChat;
using Points.Testing.FakeWeChat;
using StackExchange.Redis;

namespace Points.Infrastructure.Tests.WeChat;

/// <summary>Keeps every log line with its structured values and exception text, at every level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"scope {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}

public static class TestRedis
{
    public const string Variable = "POINTS_TEST_REDIS";

    private static readonly Lazy<Task<ConnectionMultiplexer>>[] Connections =
        [new(() => ConnectAsync()), new(() => ConnectAsync())];

    /// <summary>
    /// One of two shared connections (two so tests can play two app instances) to the Redis that
    /// scripts/test.sh starts; fails, never skips, when it is not there. They live as long as the test
    /// process: StackExchange.Redis 1.2.6 takes about a second to close one.
    /// </summary>
    public static Task<ConnectionMultiplexer> SharedAsync(int instance = 0) => Connections[instance].Value;

    private static async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var address = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests through scripts/test.sh, or start redis-server and export {Variable}=127.0.0.1:<port>.");
        }

        return await ConnectionMultiplexer.ConnectAsync($"{address},connectTimeout=5000,syncTimeout=5000");
    }

    public static string UniquePrefix() => $"test:{Guid.NewGuid():N}:wx:";
}

/// <summary>One application instance: its own service provider with AddWeChat pointed at the fake.</summary>
public sealed class WeChatTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private WeChatTestHost(ServiceProvider services, CapturingLoggerProvider logs)
    {
        _services = services;
        Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public IWeChatClient Client => _services.GetRequiredService<IWeChatClient>();

    public IServiceProvider Services => _services;

    public static WeChatTestHost Create(
        FakeWeChatServer? fake,
        TimeProvider? time = null,
        IConnectionMultiplexer? redis = null,
        string? keyPrefix = null,
        IDictionary<string, string?>? settings = null,
        bool isDevelopment = false)
    {
        var config = new Dictionary<string, string?>
        {
            ["WeChat:BaseUrl"] = fake?.BaseUrl ?? "",
            ["WeChat:AppId"] = fake?.AppId ?? FakeWeChatServer.DefaultAppId,
            ["WeChat:AppSecret"] = fake?.AppSecret ?? FakeWeChatServer.DefaultAppSecret,
            ["WeChat:RequestTimeout"] = "00:00:03",
            ["WeChat:TokenRequestTimeout"] = "00:00:03",
            ["WeChat:BusyRetryBaseDelay"] = "00:00:00.010",
            ["WeChat:BusyRetryMaxDelay"] = "00:00:00.050",
            ["WeChat:TokenKeyPrefix"] = keyPrefix ?? TestRedis.UniquePrefix(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (redis is not null)
        {
            services.AddSingleton(redis);
        }

        services.AddWeChat(configuration, isDevelopment);
        return new WeChatTestHost(services.BuildServiceProvider(validateScopes: true), logs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

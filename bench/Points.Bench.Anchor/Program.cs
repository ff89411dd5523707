// The benchmarks' anchor: the least an ASP.NET Core app on this machine can do per request, measured in the
// same run as the project's figure so that a ratio survives a noisy host.
//   GET  /plaintext   a fixed 13-byte body (Kestrel + routing, nothing else)
//   POST /redis       one EVALSHA against a full counter, answered 409 with a small JSON body: the shape of a
//                     refused sign-up without the token check, the rate limiter or the problem writer
// ANCHOR_REDIS is a StackExchange.Redis configuration string; without it /redis is not mapped.
using System.Text;
using StackExchange.Redis;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var hello = "Hello, World!"u8.ToArray();
app.MapGet("/plaintext", () => Results.Bytes(hello, "text/plain"));

var redisConfiguration = Environment.GetEnvironmentVariable("ANCHOR_REDIS");
if (!string.IsNullOrEmpty(redisConfiguration))
{
    var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
    var db = redis.GetDatabase();
    const string Script = "local taken = tonumber(redis.call('GET', KEYS[1]) or '0') if taken >= tonumber(ARGV[1]) then return 0 end redis.call('INCR', KEYS[1]) return 1";
    var sha = await redis.GetServers()[0].ScriptLoadAsync(Script);
    RedisKey[] keys = ["anchor:quota"];
    RedisValue[] capacity = [1];
    await db.StringSetAsync(keys[0], 1);
    var full = Encoding.UTF8.GetBytes("""{"status":409,"code":"activity.full"}""");
    var admitted = Encoding.UTF8.GetBytes("""{"status":201}""");
    app.MapPost("/redis", async (HttpContext context) =>
    {
        var taken = (int)await db.ScriptEvaluateAsync(sha, keys, capacity) == 1;
        context.Response.StatusCode = taken ? StatusCodes.Status201Created : StatusCodes.Status409Conflict;
        context.Response.ContentType = taken ? "application/json" : "application/problem+json";
        await context.Response.Body.WriteAsync(taken ? admitted : full);
    });
}

await app.RunAsync();

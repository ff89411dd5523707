using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Console first-load benchmark: opens the console in headless chromium with an empty cache, sums the bytes that
// crossed the wire (compressed bodies + headers) until the sign-in form is usable, signs in, then times page changes
// through the side menu. Usage: Points.Bench.Console <base url, e.g. http://127.0.0.1:5080/> [runs]
var baseUrl = args.Length > 0 ? args[0] : "http://127.0.0.1:5080/";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions", "--no-first-run"],
});

// Anchor, measured in the same run on the same server and browser: a fresh context fetching one plain static file
// (AntDesign's stylesheet, ~690 KB raw) from Kestrel, no script run. It shows what this machine's load costs.
var anchors = new List<(long Bytes, double Ms)>();
for (var run = 0; run < runs; run++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
    var page = await context.NewPageAsync();
    var clock = Stopwatch.StartNew();
    var response = await page.GotoAsync("_content/AntDesign/css/ant-design-blazor.css");
    var ms = clock.Elapsed.TotalMilliseconds;
    var sizes = await response!.Request.SizesAsync();
    anchors.Add((sizes.ResponseBodySize + sizes.ResponseHeadersSize, ms));
}

var loads = new List<(long Bytes, int Requests, double Interactive, double Downloaded, double Started)>();
var changes = new List<double>();
for (var run = 0; run < runs; run++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, BaseURL = baseUrl });
    var page = await context.NewPageAsync();
    var finished = new List<IRequest>();
    page.RequestFinished += (_, request) => finished.Add(request);
    var clock = Stopwatch.StartNew();
    await page.GotoAsync("console/activities");
    await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).WaitForAsync(new() { Timeout = 120_000 });
    var interactive = clock.Elapsed.TotalMilliseconds;
    long bytes = 0;
    foreach (var request in finished.ToList())
    {
        var sizes = await request.SizesAsync();
        bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
    }

    // where the time went: the last byte of the boot resources, and when the runtime had started (the first
    // assembly the runtime asked for after dotnet.native.wasm), both from the page's own resource timing
    var timing = await page.EvaluateAsync<double[]>(@"() => {
        const r = performance.getEntriesByType('resource');
        const end = Math.max(...r.map(e => e.responseEnd));
        const wasm = r.filter(e => e.name.includes('.wasm') && !e.name.includes('dotnet.native'));
        const firstAssembly = wasm.length ? Math.min(...wasm.map(e => e.startTime)) : 0;
        return [end, firstAssembly];
    }");
    loads.Add((bytes, finished.Count, interactive, timing[0], timing[1]));
    await page.GetByLabel("用户名").FillAsync("staff-dongshan");
    await page.GetByLabel("密码").FillAsync("Points@2026");
    await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
    await page.GetByRole(AriaRole.Heading, new() { Name = "活动" }).WaitForAsync();
    // every menu entry once: a page the trimmer broke would never show its heading
    foreach (var (link, heading) in new[] { ("审核", "审核"), ("居民", "居民"), ("积分汇总", "积分汇总"), ("学习", "学习"), ("负面清单", "负面清单"), ("数据看板", "数据看板"), ("隐患", "隐患处理看板"), ("活动", "活动") })
    {
        var change = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }).WaitForAsync();
        changes.Add(change.Elapsed.TotalMilliseconds);
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"anchor (one static file, fresh context, {runs} runs): transfer {anchors.Average(a => a.Bytes) / 1024.0:0} KB, median {Median(anchors.Select(a => a.Ms)):0} ms"));
Console.WriteLine(string.Create(inv, $"first load (empty cache, {runs} runs): transfer {loads.Average(l => l.Bytes) / 1048576.0:0.00} MB in {loads.Average(l => l.Requests):0} requests"));
Console.WriteLine(string.Create(inv, $"time to interactive (sign-in form usable): median {Median(loads.Select(l => l.Interactive)):0} ms, max {loads.Max(l => l.Interactive):0} ms"));
Console.WriteLine(string.Create(inv, $"  of which: last boot byte at median {Median(loads.Select(l => l.Downloaded)):0} ms, first assembly requested at median {Median(loads.Select(l => l.Started)):0} ms (page clock)"));
Console.WriteLine(string.Create(inv, $"page change (menu click to heading, {changes.Count} changes): median {Median(changes):0} ms, max {changes.Max():0} ms"));

// In-browser benchmark (not a pass/fail test; prints figures only), in headless Chromium against the built site:
//   1. transfer size: wasm + JS + CSS + HTML gzipped (-9);
//   2. time from navigation to the first chart drawn, and to every model's charts drawn (median of 5 cold loads);
//   3. edit → charts redrawn on the default scenario (p50/p95 over repeated edits of fields of several models), split
//      into the main thread's own share (input handled, charts drawn) and the wait for the model in its worker;
//   4. the engine in wasm: simulated requests per second on the four steady scenarios of the engine issue;
//   5. a 24-hour curve at 1,000 req/s (86.4 M requests): wall time of the scaling run, the wasm memory of its
//      worker, the page's JS heap, and the longest main-thread task while every model runs;
//   6. the live views: scrubbing the default hour (each cursor move's re-run and drawing, `live draw`; the Chains
//      view's re-run, `chain live state`), playback
//      frames with about 1,000 instances on screen, and a day at 1,000 req/s: its replay's building (the longest
//      main-thread task meanwhile) and scrubbing it.
//   SITE_DIR=dist SITE_PREFIX=/serverless-playground/ node tests/browser/bench.mjs [sections, e.g. 1,2,3]
// BENCH_REQUESTS sets the requests per engine case (default 4e6), BENCH_ENGINE_RUNS the measured runs of each (default
// 5; the median, slowest and fastest are printed); BENCH_EDITS the edits per field (default 40: with 15,
// the p95 was the slowest edit).
// BENCH_TRACE=S records a Chromium trace of section 5's first S seconds and names what ran inside each main-thread
// task over 50 ms (garbage collection, compiling, style and layout, our functions) from the browser's own events;
// BENCH_TRACE_MS sets that threshold (e.g. 15, to see the tasks just under it).
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, launch, SITE_DIR } from './harness.mjs';

const only = (process.argv[2] ?? '1,2,3,4,5,6').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4e6);
const EDITS = Number(process.env.BENCH_EDITS ?? 40);
const ENGINE_RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5);
const CHARTS = ['chart-latency', 'chart-instances', 'chart-events', 'chart-latency-split', 'chart-arrival-outcomes', 'chart-cost', 'chart-break-even',
  'chart-provisioned-cost', 'chart-provisioned-benefit', 'chart-timeline', 'chart-downtime', 'chart-nines', 'chart-makespan',
  'chart-speedup', 'chart-parallel-cost', 'chart-breaker-calls', 'chart-breaker-success', 'chart-breaker-latency',
  'chart-chain-length', 'chart-chain-time'];

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const ms = (x) => `${x.toFixed(1)} ms`;

// Long tasks and draw measures are recorded from the first script on, before the app starts.
const OBSERVE = () => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push({ start: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
};

/** A new page at `hash`; with `trace`, Chromium's tracing of those categories starts before the navigation, so the
 *  load's tasks are in the trace too. */
async function newPage(browser, site, hash = '', trace = null) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(OBSERVE);
  const page = await context.newPage();
  const workers = [];
  page.on('worker', (w) => workers.push(w));
  if (trace) await browser.startTracing(page, { categories: trace });
  await page.goto(site.url + hash);
  return { context, page, workers };
}

async function allDrawn(page, timeout = 120000) {
  await page.waitForFunction((ids) => ids.every((i) => document.querySelector(`[data-testid=${i}-csv]`)?.disabled === false),
    CHARTS, { timeout, polling: 20 });
}

/** Ends [ms since navigation] of the first and last `draw` measure. */
const drawTimes = (page) => page.evaluate(() => {
  const d = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('draw '));
  return { first: Math.min(...d.map((m) => m.startTime + m.duration)), last: Math.max(...d.map((m) => m.startTime + m.duration)) };
});

async function transferSize() {
  const files = await readdir(SITE_DIR);
  let total = 0;
  const parts = [];
  for (const f of files.filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
    const raw = await readFile(join(SITE_DIR, f));
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    parts.push(`${f.replace(/-[0-9a-f]{16}/, '')} ${(raw.length / 1024).toFixed(0)} KB → ${(gz / 1024).toFixed(0)} KB`);
  }
  console.log(`1. transfer size, gzipped: ${(total / 1024).toFixed(0)} KB (target ≤ 300 KB)\n   ${parts.join('\n   ')}`);
}

async function firstChart(browser, site) {
  const first = [], all = [], longest = [], over = [];
  for (let i = 0; i < 5; i++) {
    const { context, page } = await newPage(browser, site);
    await allDrawn(page);
    const t = await drawTimes(page);
    first.push(t.first);
    all.push(t.last);
    // Main-thread tasks over 50 ms from navigation until every chart is drawn (the Long Tasks API reports no shorter).
    const long = await page.evaluate((end) => window.__long.filter((l) => l.start < end).map((l) => l.ms), t.last);
    longest.push(Math.max(0, ...long));
    over.push(long.length);
    await context.close();
  }
  console.log(`2. navigation → first chart drawn: median ${ms(quantile(first, 0.5))} (runs ${first.map((x) => x.toFixed(0)).join(', ')}; target ≤ 1 s)`);
  console.log(`   navigation → every model's charts drawn: median ${ms(quantile(all, 0.5))}`);
  console.log(`   longest main-thread task meanwhile: median ${ms(quantile(longest, 0.5))} (runs ${longest.map((x) => x.toFixed(0)).join(', ')}; tasks over 50 ms: ${over.join(', ')})`);
}

/** Edits `testid` to `value` inside the page and resolves when no lane is busy and every chart the edit redraws is
 * drawn: { total, main, draws, lanes } where total ends with the last draw, main is the main thread's own time (the
 * input's handler and every draw), and lanes the duration of each model's run the edit started. */
const EDIT = async ({ testid, value }) => {
  const input = document.querySelector(`[data-testid=${testid}]`);
  const busy = () => document.querySelector('[data-testid^=status-][aria-busy=true]');
  const t0 = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const handled = performance.now() - t0;
  // Wait for the frame after the handler, then for any worker run it started, then until no chart has been drawn for
  // 100 ms: a chart is drawn in a task of its own after its result arrives, so a wait of one frame missed the charts of
  // the lane that finished last (the keep-alive edit's provisioned sweep). The quiet time is not counted: the edit ends
  // where its last draw ends.
  await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
  // Every run the edit started has ended when each `compute <model> start` mark since t0 has its `compute <model>`
  // measure (a lane whose section is not on the page has no status to be busy, so the status alone missed the
  // provisioned sweep's run in most edits, and the 100 ms quiet time sometimes ended before its charts were drawn).
  const since = (type) => performance.getEntriesByType(type).filter((m) => m.startTime >= t0 && m.name.startsWith('compute '));
  const pending = () => {
    const ended = new Set(since('measure').map((m) => m.name));
    return since('mark').some((m) => !ended.has(m.name.replace(/ start$/, '')));
  };
  while (busy() || pending()) await new Promise((ok) => setTimeout(ok, 2));
  const drawsSince = () => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('draw ') && m.startTime >= t0);
  for (let seen = -1; seen !== drawsSince().length;) {
    seen = drawsSince().length;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const draws = drawsSince();
  const end = draws.length ? Math.max(...draws.map((m) => m.startTime + m.duration)) : t0 + handled;
  // Each model's run that the edit started (`compute <model>`, from its submit to its result on the page).
  const lanes = Object.fromEntries(performance.getEntriesByType('measure')
    .filter((m) => m.name.startsWith('compute ') && m.startTime >= t0).map((m) => [m.name.slice(8), m.duration]));
  return { total: end - t0, main: handled + draws.reduce((s, m) => s + m.duration, 0), draws: draws.length, lanes };
};

async function editRedraw(browser, site) {
  const { context, page } = await newPage(browser, site);
  await allDrawn(page);
  console.log(`3. edit → charts redrawn, default scenario, ${EDITS} edits per field (p50 / p95):`);
  const fields = [
    ['vm-price', (i) => 0.05 + 0.01 * i, 'cost (VM price)'],
    ['keep-alive', (i) => 300 + 10 * i, 'scaling (keep-alive)'],
    // Two values in turn: after the first two edits each is one of the lanes' recent results, shown without a run.
    ['keep-alive', (i) => (i % 2 ? 300 : 600), 'keep-alive back and forth'],
    // The sweep's points below the new top are kept from the runs before (their keys are unchanged), so only the
    // top point runs; an edit of the task count runs the whole sweep.
    ['max-parallel', (i) => 50 + i, 'parallel (max parallel)'],
    ['tasks', (i) => 1010 + 10 * i, 'parallel (tasks)'],
    // The run without the breaker is kept; the run with it runs again.
    ['failure-threshold', (i) => 40 + i, 'breaker (threshold)'],
    ['mtbf', (i) => 700 + 10 * i, 'availability (MTBF)'],
  ];
  for (const [testid, value, label] of fields) {
    if (!(await page.getByTestId(testid).count())) { console.log(`   ${label}: no field '${testid}'`); continue; }
    await page.getByTestId(testid).scrollIntoViewIfNeeded();
    const runs = [];
    for (let i = 0; i < EDITS; i++) runs.push(await page.evaluate(EDIT, { testid, value: value(i) }));
    const t = runs.map((r) => r.total), m = runs.map((r) => r.main);
    console.log(`   ${label.padEnd(26)} edit → redrawn ${ms(quantile(t, 0.5))} / ${ms(quantile(t, 0.95))}; main thread ${ms(quantile(m, 0.5))} / ${ms(quantile(m, 0.95))}; ${runs[0].draws} charts`);
    const names = [...new Set(runs.flatMap((r) => Object.keys(r.lanes)))];
    if (names.length) {
      console.log(`   ${''.padEnd(26)} runs it started: ${names.map((n) => {
        const d = runs.map((r) => r.lanes[n]).filter((x) => x !== undefined);
        return `${n} ${ms(quantile(d, 0.5))} / ${ms(quantile(d, 0.95))} (${d.length}×)`;
      }).join(', ')}`);
    }
  }
  await context.close();
}

async function engine(browser, site) {
  const CASES = [
    { rate: 5, warm: 1.991, cold: 2.244 }, { rate: 100, warm: 1.991, cold: 2.244 },
    { rate: 5, warm: 0.2, cold: 1.0 }, { rate: 100, warm: 0.2, cold: 1.0 },
  ];
  const { context, page } = await newPage(browser, site);
  await page.waitForFunction(() => window.wasmBindings?.bench_steady);
  console.log(`4. engine in wasm, keep-alive 600 s, limit 1000, ~${REQUESTS / 1e6} M requests per case, ${ENGINE_RUNS} runs each (target ≥ 10 M req/s):`);
  for (const c of CASES) {
    const horizon = REQUESTS / c.rate;
    const out = await page.evaluate(({ c, horizon, runs }) => {
      window.wasmBindings.bench_steady(c.rate, c.warm, c.cold, 600, 1000, horizon / 20, 7);
      const rates = [];
      let requests = 0;
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const r = JSON.parse(window.wasmBindings.bench_steady(c.rate, c.warm, c.cold, 600, 1000, horizon, 1));
        rates.push(r.requests / (performance.now() - t0) / 1000);
        requests = r.requests;
      }
      return { requests, rates };
    }, { c, horizon, runs: ENGINE_RUNS });
    const r = [...out.rates].sort((a, b) => a - b);
    console.log(`   λ=${String(c.rate).padStart(3)} warm ${c.warm} s cold ${c.cold} s: ${out.requests} requests, median ${quantile(r, 0.5).toFixed(2)} M req/s (slowest ${r[0].toFixed(2)}, fastest ${r[r.length - 1].toFixed(2)})`);
  }
  await context.close();
}

/** The default scenario as JSON, read from the share link the page makes. */
async function defaultScenario(browser, site) {
  const { context, page } = await newPage(browser, site);
  await page.getByTestId('share').click();
  const hash = await page.evaluate(() => location.hash);
  await context.close();
  const b64 = hash.split('&')[0].split('.').slice(1).join('.').replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing',
  'disabled-by-default-v8.gc', 'v8.wasm', 'disabled-by-default-v8.compile', 'toplevel', 'loading', 'blink'];

/** A trace event's name; a script's call or evaluation with the function or file it ran. */
const traceLabel = (e) => (e.name === 'FunctionCall' || e.name === 'EvaluateScript'
  ? `${e.name}(${e.args?.data?.functionName || e.args?.data?.url?.split('/').pop() || ''})` : e.name);

/** For each task over 50 ms on a renderer's main thread: the events inside it that took longest, by their own time
 *  (nested events subtracted), so a task is named by what it did (e.g. MajorGC, v8.wasm.compile, Layout, a measure). */
function explainLongTasks(trace, seconds) {
  const events = trace.traceEvents ?? trace;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  console.log(`   trace of the first ${seconds} s: tasks over ${process.env.BENCH_TRACE_MS ?? 50} ms on the page's main thread, and what took their time:`);
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    // Outermost tasks only (a RunTask holds a ThreadControllerImpl::RunTask, sometimes a nested RunTask).
    const tasks = [];
    for (const e of list) {
      if ((e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') || e.dur <= Number(process.env.BENCH_TRACE_MS ?? 50) * 1000) continue;
      const last = tasks[tasks.length - 1];
      if (!last || e.ts >= last.ts + last.dur) tasks.push(e);
    }
    for (const task of tasks) {
      const inside = list.filter((e) => e !== task && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask'
        && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
      // Self time: an event's duration minus that of the events directly inside it.
      const self = new Map();
      const stack = [];
      for (const e of inside) {
        while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
        const parent = stack[stack.length - 1];
        self.set(traceLabel(e), (self.get(traceLabel(e)) ?? 0) + e.dur);
        if (parent) self.set(traceLabel(parent), self.get(traceLabel(parent)) - e.dur);
        stack.push(e);
      }
      const top = [...self.entries()].filter(([, d]) => d >= 2000).sort((a, b) => b[1] - a[1]).slice(0, 5)
        .map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`).join(', ');
      console.log(`     ${(task.dur / 1000).toFixed(0)} ms at ${((task.ts - list[0].ts) / 1e6).toFixed(1)} s: ${top || '(no event inside)'}`);
    }
  }
}

async function bigDay(browser, site) {
  const s = await defaultScenario(browser, site);
  s.load = { points: [{ t: 0, rate: 1000 }, { t: 86400, rate: 1000 }] };
  const hash = '#s=1.' + Buffer.from(JSON.stringify(s)).toString('base64url');
  const traceSeconds = Number(process.env.BENCH_TRACE ?? 0);
  const { context, page, workers } = await newPage(browser, site, hash, traceSeconds > 0 ? TRACE_CATEGORIES : null);
  const stopTrace = traceSeconds > 0 ? (async () => {
    await new Promise((ok) => setTimeout(ok, traceSeconds * 1000));
    return browser.stopTracing();
  })() : null;
  // A build that asks before a run expected over 30 s (src/ui/heavy.rs): run them all, as before.
  await page.getByTestId('heavy-anyway').click({ timeout: 3000 }).catch(() => {});
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let heap = 0, wasmMem = 0;
  const sampler = setInterval(async () => {
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      heap = Math.max(heap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      for (const w of workers) wasmMem = Math.max(wasmMem, await w.evaluate(() => self.wasmMemory?.buffer.byteLength ?? 0).catch(() => 0));
    } catch { /* page closing */ }
  }, 250);
  // A click while the models run: how long until the page answers it.
  await page.waitForTimeout(1500);
  const click = await page.evaluate(() => new Promise((ok) => {
    const t0 = performance.now();
    const a = document.querySelector('a[href="#cost"]');
    a.addEventListener('click', () => ok(performance.now() - t0), { once: true });
    setTimeout(() => a.click(), 0);
  }));
  const t0 = Date.now();
  await page.waitForFunction(() => document.querySelector('[data-testid=chart-latency-csv]')?.disabled === false, null, { timeout: 600000, polling: 100 });
  const scalingWall = await page.evaluate(() => Math.max(...performance.getEntriesByName('compute scaling').map((m) => m.duration)));
  let simulate = 0;
  for (const w of workers) simulate = Math.max(simulate, ...(await w.evaluate(() => performance.getEntriesByName('simulate scaling').map((m) => m.duration)).catch(() => [0])));
  const requests = await page.getByTestId('expected-requests').textContent().catch(() => '?');
  let allDone = true;
  await allDrawn(page, 600000).catch(() => { allDone = false; });
  const others = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure')
    .filter((m) => m.name.startsWith('compute ')).map((m) => [m.name.slice(8), Math.round(m.duration)])));
  // When each model's result came, counted from the start of the day's scaling run [s].
  const arrived = await page.evaluate(() => {
    const all = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('compute '));
    const start = Math.max(...all.filter((m) => m.name === 'compute scaling').map((m) => m.startTime));
    return Object.fromEntries(all.filter((m) => m.startTime + m.duration >= start)
      .map((m) => [m.name.slice(8), +((m.startTime + m.duration - start) / 1000).toFixed(1)]));
  });
  clearInterval(sampler);
  const long = await page.evaluate(() => window.__long);
  // Tasks while the page loads (compiling wasm, the first render) apart from those while the models run.
  const firstDraw = await drawTimes(page).then((t) => t.first);
  const atLoad = long.filter((t) => t.start < firstDraw), later = long.filter((t) => t.start >= firstDraw);
  const longest = later.reduce((a, b) => Math.max(a, b.ms), 0);
  const loadLongest = atLoad.reduce((a, b) => Math.max(a, b.ms), 0);
  console.log(`5. 24 h at 1,000 req/s (86.4 M requests; page shows ${requests.trim()} requests):`);
  console.log(`   scaling: ${ms(simulate)} simulating in its worker, ${ms(scalingWall)} from edit to result on the page (target ≤ 10 s)`);
  console.log(`   every model's run [ms]: ${JSON.stringify(others)}${allDone ? '' : ' (not all finished within 10 min)'}`);
  console.log(`   each model's result, seconds after the scaling run began: ${JSON.stringify(arrived)}`);
  console.log(`   peak memory: page JS heap ${(heap / 2 ** 20).toFixed(1)} MB, largest worker wasm memory ${(wasmMem / 2 ** 20).toFixed(1)} MB (target < 100 MB)`);
  console.log(`   longest main-thread task while the models ran ${ms(longest)} (${later.length} over 50 ms; target none); a click answered after ${ms(click)}`);
  console.log(`   while the page loaded (before its first chart): longest ${ms(loadLongest)} (${atLoad.length} over 50 ms)`);
  // What ran in each long task: the user-timing measures (draws, computes) that lie inside it.
  // And the measure that ended last before it: what the page had just done (a result arrived, a chart drawn).
  const inside = await page.evaluate((tasks) => tasks.map((t) => {
    const all = performance.getEntriesByType('measure');
    const within = all.filter((m) => m.startTime >= t.start - 1 && m.startTime + m.duration <= t.start + t.ms + 1 && m.duration >= 5)
      .map((m) => `${m.name} ${Math.round(m.duration)}`).join(', ');
    const before = all.filter((m) => m.startTime + m.duration <= t.start + 1).sort((a, b) => (b.startTime + b.duration) - (a.startTime + a.duration))[0];
    return [within, before ? `${before.name}, ended ${Math.round(t.start - before.startTime - before.duration)} ms before` : 'none'];
  }), later);
  later.forEach((t, k) => console.log(`     task of ${ms(t.ms)} at ${(t.start / 1000).toFixed(1)} s: ${inside[k][0] || 'no measure inside (message handling, layout, style)'}; last measure before it: ${inside[k][1]}`));
  console.log(`   (${Math.round((Date.now() - t0) / 1000)} s after the click until every model had drawn)`);
  if (stopTrace) explainLongTasks(JSON.parse((await stopTrace).toString('utf8')), traceSeconds);
  await context.close();
}

/** The `live draw` (or `name`) measures [ms] since `from` (the page's time). */
const liveDraws = (page, from = 0, name = 'live draw') => page.evaluate(([f, n]) => performance.getEntriesByName(n)
  .filter((m) => m.startTime >= f).map((m) => m.duration), [from, name]);

/** Sets the live view's cursor to `t` seconds as the slider does, waits for its drawing, and returns the time from
 * the input to the end of that drawing [ms] (over several tasks when the re-run is long). */
async function scrubTo(page, t) {
  const before = await page.evaluate(() => performance.getEntriesByName('live draw').length);
  const at = await page.getByTestId('live-cursor').evaluate((el, v) => { const at = performance.now(); el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); return at; }, t);
  await page.waitForFunction((n) => performance.getEntriesByName('live draw').length > n, before, { timeout: 60000 });
  return page.evaluate((a) => { const d = performance.getEntriesByName('live draw').at(-1); return d.startTime + d.duration - a; }, at);
}

async function liveView(browser, site) {
  console.log('6. the live view (User Timing `live draw`: the state at the cursor re-run from the copy before it, and drawn):');
  // The default hour: scrub to 40 times spread over it, after the replay is built.
  {
    const { context, page } = await newPage(browser, site);
    await page.getByTestId('live-view').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !document.querySelector('[data-testid=live-building]') && /^\d+$/.test(document.querySelector('[data-testid=live-busy]')?.textContent ?? ''), null, { timeout: 120000 });
    const from = await page.evaluate(() => performance.now());
    for (let k = 0; k < 40; k++) await scrubTo(page, ((k * 37) % 40 + 0.5) * 90);
    const d = await liveDraws(page, from);
    const st = await liveDraws(page, from, 'live state');
    console.log(`   default hour, 40 scrubs: live state (the re-run) p50 ${ms(quantile(st, 0.5))}, p95 ${ms(quantile(st, 0.95))}; live draw p50 ${ms(quantile(d, 0.5))}, p95 ${ms(quantile(d, 0.95))}, max ${ms(Math.max(...d))} (target: both ≤ 16 ms median)`);
    // The Chains section's live view follows the same cursor: its re-run to it (and reading) per scrub.
    const ch = await liveDraws(page, from, 'chain live state');
    console.log(`   the Chains live view at the same 40 cursors: chain live state p50 ${ms(quantile(ch, 0.5))}, p95 ${ms(quantile(ch, 0.95))}, max ${ms(Math.max(...ch))} (${ch.length} tasks)`);
    await context.close();
  }
  // About 1,000 instances on screen: the flash crowd at 5,000 req/s, played at 60× for 5 s from its start.
  {
    const s = await defaultScenario(browser, site);
    s.load = { points: [{ t: 0, rate: 50 }, { t: 1500, rate: 50 }, { t: 1560, rate: 5000 }, { t: 1800, rate: 5000 }, { t: 1860, rate: 50 }, { t: 3600, rate: 50 }] };
    s.scaling.max_instances = 3000;
    const hash = '#s=1.' + Buffer.from(JSON.stringify(s)).toString('base64url');
    const { context, page } = await newPage(browser, site, hash);
    await page.getByTestId('live-view').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !document.querySelector('[data-testid=live-building]') && /^\d+$/.test(document.querySelector('[data-testid=live-busy]')?.textContent ?? ''), null, { timeout: 120000 });
    await allDrawn(page, 300000);
    await scrubTo(page, 1600);
    const shown = await page.evaluate(() => ['live-init', 'live-busy', 'live-idle'].map((i) => Number(document.querySelector(`[data-testid=${i}]`).textContent)).reduce((a, b) => a + b));
    const from = await page.evaluate(() => { window.__long = []; return performance.now(); });
    await page.getByTestId('live-play').click();
    await page.waitForTimeout(5000);
    await page.getByTestId('live-play').click();
    const d = await liveDraws(page, from);
    const st = await liveDraws(page, from, 'live state');
    const long = await page.evaluate(() => window.__long.map((x) => x.ms));
    console.log(`   live state (the frame's re-run) p50 ${ms(quantile(st, 0.5))}, p95 ${ms(quantile(st, 0.95))}`);
    console.log(`   ${shown} instances on screen, 5 s of play at 60×: ${d.length} frames drawn (${(d.length / 5).toFixed(0)}/s; target 60), live draw p50 ${ms(quantile(d, 0.5))}, p95 ${ms(quantile(d, 0.95))}; tasks over 50 ms: ${long.length}`);
    await context.close();
  }
  // A day at 1,000 req/s: the replay is built when asked, in slices; then scrubbed.
  {
    const s = await defaultScenario(browser, site);
    s.load = { points: [{ t: 0, rate: 1000 }, { t: 86400, rate: 1000 }] };
    const hash = '#s=1.' + Buffer.from(JSON.stringify(s)).toString('base64url');
    const { context, page } = await newPage(browser, site, hash);
    await page.getByTestId('heavy-leave').click({ timeout: 3000 }).catch(() => {});
    await page.getByTestId('live-view').scrollIntoViewIfNeeded();
    const from = await page.evaluate(() => { window.__long = []; return performance.now(); });
    const t0 = Date.now();
    await page.getByTestId('live-build').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=live-building]'), null, { timeout: 600000, polling: 500 });
    const built = (Date.now() - t0) / 1000;
    const long = await page.evaluate(() => window.__long.map((x) => x.ms));
    const scrubFrom = await page.evaluate(() => { window.__long = []; return performance.now(); });
    const waits = [];
    for (let k = 0; k < 20; k++) waits.push(await scrubTo(page, ((k * 7) % 20 + 0.5) * 4320));
    const d = await liveDraws(page, scrubFrom);
    const st = await liveDraws(page, scrubFrom, 'live state');
    const longScrub = await page.evaluate(() => window.__long.map((x) => x.ms));
    console.log(`   a day, 20 scrubs: live state (the re-run in one task) p50 ${ms(quantile(st, 0.5))}, max ${ms(Math.max(...st))} over ${st.length} tasks; input to drawn p50 ${ms(quantile(waits, 0.5))}, max ${ms(Math.max(...waits))}; tasks over 50 ms while scrubbing: ${longScrub.length}${longScrub.length ? ` (longest ${ms(Math.max(...longScrub))})` : ''} (target none)`);
    // Step to the next instance removal from the middle of the day (a search over a long stretch, in slices).
    {
      await scrubTo(page, 43200);
      const t0s = await page.evaluate(() => { window.__long = []; return performance.now(); });
      await page.getByTestId('live-next-removal').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent !== '12:00:00' || /Nothing|没有/.test(document.querySelector('[data-testid=live-note]')?.textContent ?? ''), null, { timeout: 120000, polling: 20 });
      const [took, where] = await page.evaluate((a) => [performance.now() - a, document.querySelector('[data-testid=live-time]').textContent], t0s);
      const l = await page.evaluate(() => window.__long.map((x) => x.ms));
      const se = await liveDraws(page, t0s, 'live search');
      console.log(`   a day, next instance removal from 12:00:00: at ${where} after ${ms(took)} in ${se.length} slices (longest ${ms(Math.max(...se))}); tasks over 50 ms: ${l.length}`);
    }
    console.log(`   a day at 1,000 req/s: replay built in ${built.toFixed(1)} s on the page in slices, longest task meanwhile ${long.length ? ms(Math.max(...long)) : 'none over 50 ms'} (${long.length} over 50 ms; target none); 20 scrubs: live draw p50 ${ms(quantile(d, 0.5))}, max ${ms(Math.max(...d))}`);
    await context.close();
  }
}

const site = await serve();
const browser = await launch();
try {
  if (only.includes(1)) await transferSize();
  if (only.includes(2)) await firstChart(browser, site);
  if (only.includes(3)) await editRedraw(browser, site);
  if (only.includes(4)) await engine(browser, site);
  if (only.includes(5)) await bigDay(browser, site);
  if (only.includes(6)) await liveView(browser, site);
} finally {
  await browser.close();
  await site.close();
}

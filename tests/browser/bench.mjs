// In-browser benchmark of the engine (not a pass/fail test): simulated requests per second in wasm on the four
// steady scenarios of the engine issue, in headless Chromium against the built site. Prints figures only.
//   SITE_DIR=dist SITE_PREFIX=/serverless-playground/ node tests/browser/bench.mjs
import { serve, launch } from './harness.mjs';

const CASES = [
  { rate: 5, warm: 1.991, cold: 2.244 }, { rate: 100, warm: 1.991, cold: 2.244 },
  { rate: 5, warm: 0.2, cold: 1.0 }, { rate: 100, warm: 0.2, cold: 1.0 },
];
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4e6);

const site = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => window.wasmBindings?.bench_steady);
  console.log(`engine in wasm (Chromium), keep-alive 600 s, limit 1000, ~${REQUESTS / 1e6} M requests per case`);
  for (const c of CASES) {
    const horizon = REQUESTS / c.rate;
    const out = await page.evaluate(({ c, horizon }) => {
      window.wasmBindings.bench_steady(c.rate, c.warm, c.cold, 600, 1000, horizon / 20, 7);
      const t0 = performance.now();
      const r = JSON.parse(window.wasmBindings.bench_steady(c.rate, c.warm, c.cold, 600, 1000, horizon, 1));
      return { ...r, js_ms: performance.now() - t0 };
    }, { c, horizon });
    console.log(`  λ=${String(c.rate).padStart(3)} warm ${c.warm} s cold ${c.cold} s: ${out.requests} requests in ${out.js_ms.toFixed(0)} ms = ${(out.requests / out.js_ms / 1000).toFixed(2)} M req/s`);
  }
} finally {
  await browser.close();
  await site.close();
}

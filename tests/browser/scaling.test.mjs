// The Scaling section: real simulation results in the page, edits change them, bad input is refused inline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openApp, figure, screenshot } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

async function settled(page) {
  await page.waitForFunction(() => /Simulated/.test(document.querySelector('[data-testid=sim-status]')?.textContent ?? ''));
}

test('the default scenario shows simulated figures and three charts', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await settled(page);
  const requests = Number((await page.getByTestId('sim-status').textContent()).match(/Simulated ([\d,]+)/)[1].replace(/,/g, ''));
  // 285,600 expected; Poisson: within 1 % (≈ 5 standard deviations).
  assert.ok(Math.abs(requests - 285600) < 2856, `simulated requests ${requests}`);
  const cold = await figure(page, 'cold-prob');
  assert.ok(cold > 0 && cold < 10, `cold-start % ${cold}`);
  for (const id of ['chart-latency', 'chart-instances', 'chart-events']) {
    await page.waitForFunction((i) => document.querySelector(`[data-testid=${i}]`)?.dataset.plot, id);
  }
  assert.match(await page.getByTestId('formula').textContent(), /M\/G\/∞: busy instances = λ̄ · E\[S\]/);
  assert.deepEqual(errors, []);
  await page.locator('#scaling').screenshot({ path: new URL('./screenshots/scaling-desktop.png', import.meta.url).pathname });
  await context.close();
});

test('a constant load shows the PACS formula beside the simulation, with figures', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await settled(page);
  // 50 req/s of 0.2 s requests: the formula's figures were "–" (NaN) at any load that keeps the first instances
  // busy (e^(−λ·τ) underflowed into a zero death rate).
  await page.getByTestId('preset').selectOption('steady');
  await page.waitForFunction(() => /PACS/.test(document.querySelector('[data-testid=pacs]')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelector('[data-testid=status-scaling]')?.getAttribute('aria-busy') === 'false');
  const text = await page.getByTestId('pacs').textContent();
  const m = text.match(/P\(cold\) = ([\d.e+-]+) %, instances = (\d+(?:\.\d+)?) — simulated ([\d.e+-]+) %, (\d+(?:\.\d+)?)/);
  assert.ok(m, `figures in: ${text}`);
  const [formula, simulated] = [Number(m[2]), Number(m[4])];
  assert.ok(Math.abs(formula - simulated) < 0.1 * simulated, `instances: formula ${formula}, simulated ${simulated}`);
  assert.ok(Number(m[1]) < 0.1, `P(cold) ${m[1]} %`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('provisioned concurrency removes cold starts and costs money', async () => {
  const { page, context } = await openApp(browser, site);
  await settled(page);
  const cold0 = await figure(page, 'cold-prob');
  const cost0 = await figure(page, 'cost');
  await page.getByTestId('provisioned').fill('700');
  await page.getByTestId('provisioned').press('Enter');
  await page.waitForFunction((c) => Number(document.querySelector('[data-testid=cold-prob]').textContent.replace(/[^\d.]/g, '')) !== c, cold0);
  await settled(page);
  const cold1 = await figure(page, 'cold-prob');
  const cost1 = await figure(page, 'cost');
  assert.ok(cold1 < cold0 / 5, `cold starts ${cold0} % → ${cold1} %`);
  assert.ok(cost1 > cost0, `cost ${cost0} → ${cost1}`);
  await context.close();
});

test('a refused value shows an inline error and keeps the results', async () => {
  const { page, context } = await openApp(browser, site);
  await settled(page);
  const before = await page.getByTestId('cold-prob').textContent();
  await page.getByTestId('keep-alive').fill('-5');
  await page.getByTestId('keep-alive').press('Enter');
  assert.match(await page.getByTestId('keep-alive-error').textContent(), /keep_alive/);
  assert.equal(await page.getByTestId('cold-prob').textContent(), before);
  await page.getByTestId('concurrency').fill('2.5');
  await page.getByTestId('concurrency').press('Enter');
  assert.match(await page.getByTestId('concurrency-error').textContent(), /whole number/);
  await page.getByTestId('keep-alive').fill('60');
  await page.getByTestId('keep-alive').press('Enter');
  assert.equal(await page.getByTestId('keep-alive-error').count(), 0, 'a good value clears the error');
  // The refused value in the other field stays as typed, beside its message, while the edit elsewhere lands (it was
  // overwritten with the scenario's value, the message left under it).
  assert.equal(await page.getByTestId('concurrency').inputValue(), '2.5');
  assert.match(await page.getByTestId('concurrency-error').textContent(), /whole number/);
  await screenshot(page, 'scaling-inline-error');
  await context.close();
});

test('every scaling policy runs in the page', async () => {
  const { page, context, errors } = await openApp(browser, site);
  for (const policy of ['target_tracking', 'proportional', 'predictive', 'per_request']) {
    await page.getByTestId('policy').selectOption(policy);
    await settled(page);
    const p50 = await page.getByTestId('p50').textContent();
    assert.match(p50, /\d/, `${policy}: p50 ${p50}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the engine runs in wasm for the benchmark', async () => {
  const { page, context } = await openApp(browser, site);
  const out = JSON.parse(await page.evaluate(() => window.wasmBindings.bench_steady(5, 0.2, 1.0, 600, 1000, 20000, 1)));
  assert.ok(Math.abs(out.requests - 100000) < 1500, JSON.stringify(out));
  const bad = JSON.parse(await page.evaluate(() => window.wasmBindings.bench_steady(5, -1, 1.0, 600, 1000, 100, 1)));
  assert.match(bad.error, /warm_service/);
  await context.close();
});

test('every model gives the same bytes in wasm as natively', async () => {
  // tests/data/pinned-outputs.json: a scenario and the FNV-1a hash of each model's output bytes, pinned by the native
  // test tests/same_everywhere.rs. The page's wasm must give the very same bytes.
  const pinned = JSON.parse(await readFile(new URL('../data/pinned-outputs.json', import.meta.url), 'utf8'));
  const { page, context, errors } = await openApp(browser, site);
  const [hashes, long] = await page.evaluate(([scenario, longScenario]) => {
    const hash = (kind, s) => {
      let h = 0xcbf29ce484222325n;
      for (const b of window.wasmBindings.worker_run(kind, JSON.stringify(s), new Uint32Array())) {
        h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
      }
      return h.toString(16).padStart(16, '0');
    };
    // Every model of the registry (src/model/registry.rs), as the page's wasm lists them.
    const kinds = JSON.parse(window.wasmBindings.models()).map((m) => m.id);
    return [Object.fromEntries(kinds.map((k) => [k, hash(k, scenario)])), hash('scaling', longScenario)];
  }, [pinned.scenario, pinned.long_scenario]);
  assert.deepEqual(Object.keys(hashes).sort(), Object.keys(pinned.hashes).sort(), 'one pinned hash per model');
  assert.deepEqual(hashes, pinned.hashes);
  assert.equal(long, pinned.long_scaling_hash, 'the long scaling run (2 M requests)');
  assert.deepEqual(errors, []);
  await context.close();
});

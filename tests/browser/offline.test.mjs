// Offline use (issue 31): after the first visit the site works with no network. The service worker (public/sw.js)
// keeps the build's files in a cache named after the build; the footer says when this version is kept and when it
// is new since the last visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** Every chart of the models that run on an edit (the registry's list); `all`: the ones run on request too. */
const chartsOf = (page, all) => page.evaluate((a) => JSON.parse(window.wasmBindings.models())
  .filter((m) => a || m.runs_on_edit).flatMap((m) => m.charts), all);
async function allComputed(page, all = false) {
  for (const id of await chartsOf(page, all)) {
    await page.waitForFunction((i) => document.querySelector(`[data-testid=${i}-csv]`)?.disabled === false, id, { timeout: 90000 });
  }
}

test('after the first visit the page works with no network: a reload computes and draws every model', async () => {
  const { page, context, errors } = await openApp(browser, site);
  const status = page.getByTestId('offline-status');
  await page.waitForFunction(() => /^Works offline: this version \(build [0-9a-f]{7}\) is kept in this browser\.$/.test(document.querySelector('[data-testid=offline-status]')?.textContent ?? ''), null, { timeout: 60000 });
  // The cache is named after the build in the page's <meta name="build">, and holds the wasm.
  const [build, keys, wasm] = await page.evaluate(async () => {
    const b = document.querySelector('meta[name=build]').content;
    const k = await caches.keys();
    const c = await caches.open(`playground-${b}`);
    const w = (await c.keys()).map((r) => r.url).filter((u) => u.endsWith('.wasm'));
    return [b, k, w];
  });
  assert.deepEqual(keys, [`playground-${build}`]);
  assert.equal(wasm.length, 1);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await context.setOffline(true);
  await page.reload();
  await page.getByTestId('load-chart').waitFor();
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await allComputed(page);
  // The model run on request (Validation) too.
  await page.getByTestId('run-validation').click();
  await allComputed(page, true);
  assert.match(await status.textContent(), /^Works offline/);
  // Edits compute too (in the workers, whose script also comes from the cache).
  await page.getByTestId('keep-alive').fill('30');
  await page.getByTestId('keep-alive').press('Enter');
  await allComputed(page);
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
});

test('a version new since the last visit is said; the same version is not', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await page.waitForFunction(() => /Works offline/.test(document.querySelector('[data-testid=offline-status]')?.textContent ?? ''), null, { timeout: 60000 });
  assert.equal(await page.getByTestId('offline-updated').count(), 0, 'a first visit is not an update');
  await page.reload();
  await page.getByTestId('offline-status').waitFor();
  assert.equal(await page.getByTestId('offline-updated').count(), 0, 'the same build again');
  // As if the last visit had seen an older build.
  await page.evaluate(() => localStorage.setItem('serverless-playground.build', '0000000000000000'));
  await page.reload();
  const build = await page.evaluate(() => document.querySelector('meta[name=build]').content);
  assert.equal(await page.getByTestId('offline-updated').textContent(), `Updated to a new version (build ${build.slice(0, 7)}) since your last visit. `);
  assert.deepEqual(errors, []);
  await context.close();
});

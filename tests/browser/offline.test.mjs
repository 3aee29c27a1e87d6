// Offline use (issue 31): after the first visit the site works with no network. The service worker (public/sw.js)
// keeps the build's files in a cache named after the build; the footer says when this version is kept and when it
// is new since the last visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp, SITE_DIR } from './harness.mjs';

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

test('a new deploy is picked up on the next visit and said; the old build\'s cache is dropped', async () => {
  // A copy of the site, served on its own; then "deployed" again as another build (another version in the page
  // and in the service worker, as a rebuild writes them).
  const dir = await mkdtemp(join(tmpdir(), 'playground-deploy-'));
  await cp(SITE_DIR, dir, { recursive: true });
  const copy = await serve(dir);
  try {
    const { page, context, errors } = await openApp(browser, copy);
    await page.waitForFunction(() => /Works offline/.test(document.querySelector('[data-testid=offline-status]')?.textContent ?? ''), null, { timeout: 60000 });
    const old = await page.evaluate(() => document.querySelector('meta[name=build]').content);
    const next = 'f'.repeat(16);
    for (const f of ['index.html', 'sw.js']) {
      const text = await readFile(join(dir, f), 'utf8');
      await writeFile(join(dir, f), text.replaceAll(old, next));
    }
    // The next visit: the new page at once (the network first), and it says so.
    await page.reload();
    await page.getByTestId('offline-updated').waitFor();
    assert.equal(await page.getByTestId('offline-updated').textContent(), 'Updated to a new version (build fffffff) since your last visit. ');
    // The new worker takes over and keeps only the new build's files.
    await page.waitForFunction(async (n) => {
      const keys = await caches.keys();
      return keys.length === 1 && keys[0] === `playground-${n}`;
    }, next, { timeout: 30000, polling: 200 });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await copy.close();
    await rm(dir, { recursive: true, force: true });
  }
});

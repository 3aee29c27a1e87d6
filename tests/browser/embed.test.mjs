// Embedding (issue 31): `#embed=SECTION` shows just that section, for a course page's iframe; the frame keeps its
// state in its own link, never in the reader's autosave; an unknown section is said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { serve, launch } from './harness.mjs';

let site, browser, host;
before(async () => {
  site = await serve();
  browser = await launch();
  // A course page on another origin (another port), with the playground's Scaling section in an iframe.
  host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>A course</title><h1>Week 3: cold starts</h1>
      <iframe id="pg" title="Serverless Playground: scaling" src="${site.url}#embed=scaling" width="1200" height="900"></iframe>`);
  });
  await new Promise((ok) => host.listen(0, '127.0.0.1', ok));
});
after(async () => { await browser?.close(); await site?.close(); await new Promise((ok) => host?.close(ok)); });

/** The scenario in a link's fragment. */
const scenarioOf = (url) => JSON.parse(Buffer.from(new URL(url).hash.slice(1).split('&')[0].split('.')[1], 'base64url').toString('utf8'));

test('a section embedded in an iframe of another origin loads, computes, and keeps its state in its own link', async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${host.address().port}/`);
  const frame = page.frameLocator('#pg');
  // Just the section: its charts computed, no header, navigation or other section.
  await frame.getByTestId('chart-latency-csv').waitFor();
  const inner = page.frames().find((f) => f.url().startsWith(site.url));
  await inner.waitForFunction(() => document.querySelector('[data-testid=chart-latency-csv]')?.disabled === false, null, { timeout: 60000 });
  assert.equal(await inner.locator('header').count(), 0, 'no page header');
  assert.equal(await inner.locator('nav.sections').count(), 0, 'no navigation');
  assert.equal(await inner.locator('#scaling').count(), 1);
  for (const other of ['load', 'chains', 'availability', 'lessons']) assert.equal(await inner.locator('#' + other).count(), 0, other);
  // An edit computes, and the frame's own address keeps it (and the section); this browser's autosave does not.
  await inner.getByTestId('keep-alive').fill('30');
  await inner.getByTestId('keep-alive').press('Enter');
  // (Its address carries the scenario from the start; it follows the edit about 0.3 s after it.)
  const t0 = Date.now();
  while (!(inner.url().includes('#s=') && scenarioOf(inner.url()).scaling.keep_alive === 30) && Date.now() - t0 < 10000) {
    await page.waitForTimeout(100);
  }
  assert.equal(scenarioOf(inner.url()).scaling.keep_alive, 30);
  assert.ok(inner.url().endsWith('&embed=scaling'), inner.url());
  assert.equal(await inner.evaluate(() => localStorage.getItem('serverless-playground.autosave')), null);
  // Reloaded from that address, the frame shows the edited scenario.
  await inner.goto(inner.url());
  await inner.getByTestId('keep-alive').waitFor();
  assert.equal(await inner.getByTestId('keep-alive').inputValue(), '30');
  // The link under it opens the whole playground with the same scenario.
  const open = await inner.getByTestId('embed-open').getAttribute('href');
  assert.ok(!open.includes('embed='), open);
  assert.equal(scenarioOf(open).scaling.keep_alive, 30);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an embedding link naming no section says which exist', async () => {
  // Opened plainly (openApp waits for the load chart, which an embedded section other than `load` does not have).
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url + '#embed=scalling');
  const text = await page.getByTestId('embed-error').textContent();
  assert.match(text, /"scalling", which is not a section of the playground\. Sections: lessons, load, scaling/);
  await context.close();
});

test('a lesson embedded in an iframe: its guide and its section alone, its step and scenario in the frame\'s link', async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent(`<!doctype html><html lang="en"><title>A course</title><h1>Week 5: fan-out</h1>
    <iframe id="pg" title="Serverless Playground: a lesson" src="${site.url}#embed=lessons&lesson=fan-out&step=3" width="1200" height="900"></iframe>`);
  const frame = page.frameLocator('#pg');
  await frame.getByTestId('lesson-guide').waitFor();
  const inner = page.frames().find((f) => f.url().startsWith(site.url));
  assert.match(await inner.getByTestId('lesson-step').textContent(), /Step 3 of 5: Make the change/);
  assert.equal(await inner.locator('#parallel').isVisible(), true);
  for (const other of ['scaling', 'load', 'chains']) assert.equal(await inner.locator('#' + other).isVisible(), false, other);
  assert.equal(await inner.locator('header').count(), 0, 'no page header');
  // "Do it for me" (once the set-up's run is in), then the check; the frame's link keeps the step and the scenario.
  await inner.getByTestId('lesson-do-it').click({ timeout: 60000 });
  await inner.getByTestId('lesson-next').click();
  await inner.getByTestId('lesson-result').waitFor({ timeout: 60000 });
  assert.match(await inner.getByTestId('lesson-check').textContent(), /Speedup: [\d.]+× before the change, [\d.]+× after: it rose\./);
  const t0 = Date.now();
  while (!inner.url().endsWith('&embed=lessons&lesson=fan-out&step=4') && Date.now() - t0 < 10000) await page.waitForTimeout(100);
  assert.ok(inner.url().endsWith('&embed=lessons&lesson=fan-out&step=4'), inner.url());
  assert.equal(scenarioOf(inner.url()).parallel.serial_before, 0);
  // Reloaded from that address: the same step, the learner's scenario.
  await inner.goto(inner.url());
  await inner.getByTestId('lesson-guide').waitFor();
  assert.match(await inner.getByTestId('lesson-step').textContent(), /Step 4 of 5/);
  assert.equal(await inner.getByTestId('serial-before').inputValue(), '0');
  assert.deepEqual(errors, []);
  await context.close();
});

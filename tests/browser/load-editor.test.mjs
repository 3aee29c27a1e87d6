// The first slice end to end: the page loads cleanly under a sub-path and the load-curve editor works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, plotOf, toPage, figure, screenshot } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

test('loads under the sub-path with no console error and no request off its origin', async () => {
  const { page, requests, errors, context } = await openApp(browser, site);
  await page.waitForTimeout(300);
  assert.deepEqual(errors, []);
  assert.ok(requests.length >= 3, `requests: ${requests}`);
  for (const r of requests) assert.ok(r.startsWith(site.url) || r.startsWith('data:') || r.startsWith('blob:'), `off-origin or outside the prefix: ${r}`);
  assert.ok(requests.some((r) => r.endsWith('.wasm')), 'the wasm came from under the prefix');
  const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /'sha256-/, 'the loader script is allowed by its hash');
  assert.doesNotMatch(csp, /unsafe-inline'[^;]*script|script-src[^;]*unsafe-inline/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Serverless Playground');
  assert.equal(await figure(page, 'expected-requests'), 285600, 'flash-crowd preset: 285,600 requests');
  await screenshot(page, 'editor-desktop');
  await context.close();
});

test('choosing a preset changes the expected requests', async () => {
  const { page, context } = await openApp(browser, site);
  const before = await figure(page, 'expected-requests');
  await page.getByTestId('preset').selectOption('ramp');
  assert.equal(await figure(page, 'expected-requests'), 360000);
  assert.notEqual(before, 360000);
  await page.getByTestId('preset').selectOption('week');
  assert.equal(await page.getByTestId('duration-text').textContent(), '7 d');
  await page.getByTestId('undo').click();
  assert.equal(await figure(page, 'expected-requests'), 360000, 'undo restores the ramp');
  await context.close();
});

test('dragging a point changes the curve and the figures', async () => {
  const { page, context } = await openApp(browser, site);
  const before = await figure(page, 'expected-requests');
  const plot = await plotOf(page);
  // Flash crowd: point 4 is at 30 min, 500 req/s; mapping x in seconds.
  const [x, y] = toPage(plot, 1800, 500);
  const [, y2] = toPage(plot, 1800, 250);
  const shot0 = await page.getByTestId('load-chart').screenshot();
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, (y + y2) / 2, { steps: 3 });
  await page.mouse.move(x, y2, { steps: 3 });
  await page.mouse.up();
  const after = await figure(page, 'expected-requests');
  assert.ok(after < before - 10000, `expected fewer requests after lowering the spike: ${before} → ${after}`);
  const rate = Number(await page.getByRole('textbox', { name: 'rate of point 4 [req/s]' }).or(page.getByLabel('rate of point 4 [req/s]')).inputValue());
  assert.ok(Math.abs(rate - 250) < 15, `point 4 rate ≈ 250, got ${rate}`);
  const shot1 = await page.getByTestId('load-chart').screenshot();
  assert.notDeepEqual(shot0, shot1, 'the chart was redrawn');
  await screenshot(page, 'editor-after-drag');
  await context.close();
});

test('keyboard and table edit points; double-click adds one', async () => {
  const { page, context } = await openApp(browser, site);
  const editor = page.getByTestId('load-editor');
  await editor.focus();
  for (const k of [']', ']', ']', ']']) await page.keyboard.press(k); // select point 4
  const rate0 = Number(await page.getByLabel('rate of point 4 [req/s]').inputValue());
  await page.keyboard.press('ArrowUp');
  const rate1 = Number(await page.getByLabel('rate of point 4 [req/s]').inputValue());
  assert.ok(rate1 > rate0, `ArrowUp raises the rate: ${rate0} → ${rate1}`);
  await page.getByLabel('rate of point 2 [req/s]').fill('40');
  await page.getByLabel('rate of point 2 [req/s]').press('Enter');
  assert.equal(Number(await page.getByLabel('rate of point 2 [req/s]').inputValue()), 40);
  const n0 = await figure(page, 'point-count');
  const plot = await plotOf(page);
  const [x, y] = toPage(plot, 3000, 100);
  await page.mouse.dblclick(x, y);
  assert.equal(await figure(page, 'point-count'), n0 + 1);
  await page.getByLabel('rate of point 1 [req/s]').fill('-5');
  await page.getByLabel('rate of point 1 [req/s]').press('Enter');
  assert.match(await page.getByTestId('edit-error').textContent(), /cannot be negative/);
  await context.close();
});

test('keys after Undo removed the selected point do not break the page', async () => {
  const { page, context, errors } = await openApp(browser, site);
  const editor = page.getByTestId('load-editor');
  await editor.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press(']'); // select point 6
  await page.keyboard.press('+'); // adds point 7 and selects it
  await page.keyboard.press(']'); // select point 8 (the last)
  assert.equal(await figure(page, 'point-count'), 8);
  await page.getByTestId('undo').click();
  assert.equal(await figure(page, 'point-count'), 7);
  await editor.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Delete');
  await page.keyboard.press('[');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(errors, [], 'no panic');
  assert.equal(await figure(page, 'point-count'), 7);
  await context.close();
});

test('a bad CSV shows an error naming the line and leaves the curve as it was', async () => {
  const { page, context } = await openApp(browser, site);
  const before = await figure(page, 'expected-requests');
  const bad = 'time_s,rate_rps\n0,10\n60,abc\n';
  await page.getByTestId('csv-input').fill(bad);
  await page.getByTestId('import').click();
  const err = await page.getByTestId('import-error').textContent();
  assert.match(err, /line 3, column 2 \(rate_rps\): 'abc' is not a number/);
  assert.equal(await figure(page, 'expected-requests'), before);
  assert.equal(await page.getByTestId('csv-input').inputValue(), bad, 'the pasted text is kept');
  await screenshot(page, 'editor-import-error');
  await page.getByTestId('csv-input').fill('time_s,rate_rps\n0,10\n60,20\n');
  await page.getByTestId('import').click();
  assert.equal(await figure(page, 'expected-requests'), 900);
  assert.equal(await page.getByTestId('import-error').count(), 0);
  const download = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const d = await download;
  assert.equal(d.suggestedFilename(), 'load-curve.csv');
  const text = await (await d.createReadStream()).toArray().then((c) => Buffer.concat(c).toString());
  assert.equal(text, 'time_s,rate_rps\n0,10\n60,20\n');
  await context.close();
});

test('sharp on a 2x screen and usable at phone width', async () => {
  const { page, context } = await openApp(browser, site, { width: 390, height: 844, scale: 2 });
  const dims = await page.evaluate(() => { const c = document.querySelector('[data-testid=load-chart]'); return [c.width, c.clientWidth]; });
  assert.equal(dims[0], dims[1] * 2, 'backing store is twice the CSS width');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
  const spill = await page.evaluate(() => [...document.querySelectorAll('.card')].map((c) => {
    const r = c.getBoundingClientRect();
    return [...c.querySelectorAll('input, textarea, button, select, table, canvas')]
      .filter((e) => e.getBoundingClientRect().right > r.right + 0.5).map((e) => e.outerHTML.slice(0, 60));
  }).flat());
  assert.deepEqual(spill, [], 'nothing sticks out of its card');
  await screenshot(page, 'editor-phone-2x');
  await context.close();
});

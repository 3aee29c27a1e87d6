// The live view (issue 30): the scaling run's pool at the page's one time cursor. Play, pause, keys, the slider,
// "next cold start" (the cursor lands on it and a cell initialises), a keep-alive edit that changes the view,
// dragging on a time chart of another section, the cursor in a share link, reduced motion's steps. The counts'
// exactness against the run's bins is a native test (src/model/engine/state.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const text = (page, id) => page.getByTestId(id).textContent();
/** m:ss or h:mm:ss as seconds. */
const seconds = (clock) => clock.split(':').map(Number).reduce((a, x) => a * 60 + x, 0);
/** Waits until the live view shows a state (its busy count is a number). */
async function shown(page) {
  await page.getByTestId('live-view').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid=live-busy]')?.textContent ?? ''), null, { timeout: 60000 });
}
/** Moves the cursor with the slider to `t` seconds. */
async function slideTo(page, t) {
  await page.getByTestId('live-cursor').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
}

test('the live view shows the pool at the cursor; play, pause, keys and the slider move it', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await shown(page);
  // The cursor starts at the curve's peak (the default's flash crowd, at 26:00): instances busy, requests arriving.
  assert.equal(await text(page, 'live-time'), '26:00');
  assert.ok(Number(await text(page, 'live-busy')) > 20, 'busy at the spike');
  assert.ok(Number((await text(page, 'live-arrivals')).replace(/,/g, '')) > 100, 'arrivals in the last second');
  assert.match(await page.getByTestId('live-canvas').getAttribute('aria-label'), /At 26:00: \d+ instances initialising, \d+ busy/);
  // The p99 of the requests arriving at the cursor, from the figures' own run (its bin there).
  await page.waitForFunction(() => /\d+(\.\d+)? m?s$/.test(document.querySelector('[data-testid=live-p99]')?.textContent ?? ''));
  // Under the latency figures, why the tail is slow, from the same run.
  assert.match(await text(page, 'tail'), /^Why the tail is slow: (1 request in [\d,]+ was cold|no request was cold).* The p99 was highest between \d+:\d\d and \d+:\d\d/);
  // The line of the cursor is on the scaling charts and on another section's time chart.
  await page.getByTestId('chart-instances-cursor').waitFor();
  await page.getByTestId('chart-breaker-calls').scrollIntoViewIfNeeded();
  await page.getByTestId('chart-breaker-calls-cursor').waitFor();
  // Play at 60×: the time moves on; pause: it stops.
  await page.getByTestId('live-play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent !== '26:00');
  await page.getByTestId('live-play').click();
  assert.equal(await page.getByTestId('live-play').getAttribute('aria-pressed'), 'false');
  const paused = await text(page, 'live-time');
  assert.ok(seconds(paused) > 26 * 60, `played on to ${paused}`);
  await page.waitForTimeout(400);
  assert.equal(await text(page, 'live-time'), paused, 'paused');
  // Keys on the view (focused by a click on it, or by Tab): End, Home, an arrow, space to play.
  await page.getByTestId('live-canvas').click();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'live-view');
  await page.keyboard.press('End');
  assert.equal(await text(page, 'live-time'), '1:00:00');
  await page.keyboard.press('Home');
  assert.equal(await text(page, 'live-time'), '0:00');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await text(page, 'live-time'), '1:00');
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('live-play').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press(' ');
  // The slider: before the spike few instances are busy.
  await slideTo(page, 600);
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent === '10:00');
  assert.ok(Number(await text(page, 'live-busy')) < 15, 'few busy before the spike');
  assert.deepEqual(errors, []);
  await context.close();
});

test('next cold start lands on one, a keep-alive edit changes the view, a time chart scrubs it, a link keeps it', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await shown(page);
  await slideTo(page, 20 * 60);
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent === '20:00');
  await page.getByTestId('live-next-cold').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent !== '20:00');
  assert.ok(seconds(await text(page, 'live-time')) >= 20 * 60, 'later');
  assert.ok(Number(await text(page, 'live-init')) >= 1, 'an instance initialises at the cursor');
  assert.ok(Number(await text(page, 'live-cold')) >= 1, 'a cold start in the last second');
  // Long after the spike, idle instances are still there with a 10 min keep-alive and gone with 30 s.
  await slideTo(page, 45 * 60);
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent === '45:00');
  const idle = Number(await text(page, 'live-idle'));
  assert.ok(idle > 20, `idle after the spike: ${idle}`);
  await page.getByTestId('keep-alive').fill('30');
  await page.getByTestId('keep-alive').press('Enter');
  await page.waitForFunction((n) => /^\d+$/.test(document.querySelector('[data-testid=live-idle]').textContent)
    && Number(document.querySelector('[data-testid=live-idle]').textContent) < n / 2, idle, { timeout: 60000 });
  // Pressing on the latency chart moves the cursor to where it was pressed.
  const box = await page.getByTestId('chart-latency').boundingBox();
  const plot = (await page.getByTestId('chart-latency').getAttribute('data-plot')).split(',').map(Number);
  const [left, , width] = plot;
  await page.getByTestId('chart-latency').scrollIntoViewIfNeeded();
  const b2 = await page.getByTestId('chart-latency').boundingBox();
  await page.mouse.click(b2.x + left + width * 0.25, b2.y + plot[1] + 20);
  const t = seconds(await text(page, 'live-time'));
  assert.ok(Math.abs(t - 15 * 60) < 60, `a quarter of the hour: ${t} s`);
  assert.ok(box);
  // Share: the link carries the cursor, and a fresh page opens at it.
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /&t=\d+/);
  const fresh = await openApp(browser, site, { hash: link.slice(link.indexOf('#')) });
  await shown(fresh.page);
  assert.equal(await text(fresh.page, 'live-time'), await text(page, 'live-time'));
  // A bad cursor in a link: the scenario opens, and the page says what was wrong.
  const bad = await openApp(browser, site, { hash: link.slice(link.indexOf('#')).replace(/&t=.*/, '&t=soon') });
  assert.match(await bad.page.getByTestId('notice').textContent(), /'t=soon' is not a time/);
  assert.deepEqual([...errors, ...fresh.errors, ...bad.errors], []);
  await fresh.context.close();
  await bad.context.close();
  await context.close();
});

test('under reduced motion, play moves in steps of whole simulated seconds', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const { page, errors } = await openApp(browser, site, { context });
  await shown(page);
  await page.getByTestId('live-speed').selectOption('10');
  await page.getByTestId('live-play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=live-time]').textContent !== '26:00', null, { timeout: 5000 });
  await page.getByTestId('live-play').click();
  const t = seconds(await text(page, 'live-time'));
  assert.equal((t - 26 * 60) % 10, 0, `steps of 10 s at 10×: ${t}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the autoscaler\'s loop: under target tracking it is charted, and its decision at the cursor is one sentence', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await shown(page);
  assert.match(await text(page, 'live-decision'), /Scale per request/);
  assert.equal(await page.getByTestId('live-next-decision').isVisible(), false, 'no decisions to step to');
  await page.getByTestId('policy').selectOption('target_tracking');
  await page.getByTestId('chart-autoscaler').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=chart-autoscaler-csv]')?.disabled === false, null, { timeout: 60000 });
  await shown(page);
  await page.getByTestId('live-next-decision').click();
  assert.match(await text(page, 'live-decision'),
    /^At \d+:\d\d it measured [\d.,]+ requests in flight \(the mean of its window\) against a target of 60 % of 1 per instance → asked for \d+ instances; it had \d+, started \d+ and removed \d+\./);
  // The chart's data: what it asked for and what it had, at each decision.
  const chart = page.getByTestId('chart-autoscaler');
  await chart.scrollIntoViewIfNeeded();
  await page.getByTestId('chart-autoscaler-cursor').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-autoscaler-csv').click()]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.match(csv, /^asked for,/m);
  assert.match(csv, /^had,/m);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Chains live view: one lane per function at the same cursor, cold starts, held callers, the queue', async () => {
  const { page, context, errors } = await openApp(browser, site);
  const row = async (n) => (await page.getByTestId(`chain-live-hop-${n}`).locator('td').allTextContents()).map((x) => Number(x.replace(/,/g, '')));
  const view = page.getByTestId('chain-live');
  await view.scrollIntoViewIfNeeded();
  // Its rows show "—" until the run is read at the cursor.
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid=chain-live-hop-1] td')?.textContent ?? ''), null, { timeout: 60000 });
  // At the spike (26:00), the default chain (four functions, the third behind a queue): every function works; the
  // first is held by its synchronous call to the second for every request there (working, initialising or in its
  // backlog), and the third's queue carries requests on their way.
  assert.equal(await text(page, 'chain-live-time'), '26:00');
  const rows = await Promise.all([1, 2, 3, 4].map(row));
  // Columns: initialising, working, held, idle, backlog, in its queue, cold starts in the last second.
  for (const r of rows) assert.equal(r.length, 7);
  assert.ok(rows.every((r) => r[1] > 0), `every function works: ${JSON.stringify(rows)}`);
  assert.equal(rows[0][2], rows[1][0] + rows[1][1] + rows[1][4], 'function 1 is held for each request at function 2');
  assert.equal(rows[1][2], 0, 'function 2 is not held: function 3 is behind a queue');
  assert.ok(rows[2][5] > 0, 'requests on their way to function 3 through its queue');
  assert.match(await view.locator('canvas').getAttribute('aria-label'), /^At 26:00: function 1: \d+ initialising, \d+ working, \d+ held/);
  assert.match(await text(page, 'chain-live-flow'), /In the last simulated second: [\d,]+ requests entered the chain, [\d,]+ left it\./);
  // The cursor is the page's one: the Scaling view's slider moves it here too. At the curve's start every function
  // starts cold: instances initialise (the first function's, a moment later the others').
  await page.getByTestId('live-cursor').evaluate((el) => { el.value = '0.2'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => document.querySelector('[data-testid=chain-live-time]').textContent === '0:00');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=chain-live-hop-1] td')?.textContent) > 0, null, { timeout: 10000 });
  const start = await row(1);
  assert.ok(start[0] > 0 && start[6] > 0, `the first function initialises its first instances: ${start}`);
  // Keys on the Chains view move the same cursor.
  await view.locator('canvas').click();
  await page.keyboard.press('End');
  assert.equal(await text(page, 'chain-live-time'), '1:00:00');
  assert.equal(await text(page, 'live-time'), '1:00:00');
  assert.deepEqual(errors, []);
  await context.close();
});

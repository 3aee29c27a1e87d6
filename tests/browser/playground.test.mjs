// The playground page: every section computes and draws, lessons, A/B comparison, share links, autosave, exports,
// language switch, chart read-outs, and an axe-core accessibility check with no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { serve, launch, openApp, figure, screenshot } from './harness.mjs';

const require = createRequire(import.meta.url);
let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** The charts of every model that runs on an edit, as the page's registry lists them (`models()`). */
async function chartsOf(page) {
  await page.waitForFunction(() => window.wasmBindings?.models);
  const models = JSON.parse(await page.evaluate(() => window.wasmBindings.models()));
  return models.filter((m) => m.runs_on_edit).flatMap((m) => m.charts);
}

/** Waits until every model has a result (its chart's CSV button is enabled). */
async function allComputed(page, ids) {
  for (const id of ids ?? await chartsOf(page)) {
    await page.waitForFunction((i) => document.querySelector(`[data-testid=${i}-csv]`)?.disabled === false, id, { timeout: 60000 });
  }
}

test('every section computes, draws and shows its formula; no errors', async () => {
  const { page, context, errors } = await openApp(browser, site, { width: 1400 });
  await allComputed(page);
  for (const f of ['formula', 'cost-formula', 'av-formula', 'par-formula', 'br-formula', 'ch-formula']) {
    assert.ok((await page.getByTestId(f).textContent()).length > 80, f);
  }
  assert.ok(await figure(page, 'availability') > 99);
  assert.ok(await figure(page, 'speedup') > 10);
  for (const id of ['scaling', 'cost', 'availability', 'parallel', 'resilience', 'chains']) {
    await page.locator('#' + id).screenshot({ path: new URL(`./screenshots/section-${id}-desktop.png`, import.meta.url).pathname });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link to a section opens the page at that section (sections below the fold are mounted after the first paint)', async () => {
  for (const id of ['scaling', 'chains', 'validation']) {
    const { page, context, errors } = await openApp(browser, site, { width: 1400, hash: `#${id}` });
    // Its top at the top of the window (the last section, at the foot of the page, as high as the page allows).
    await page.waitForFunction((i) => {
      const top = document.getElementById(i)?.getBoundingClientRect().top ?? 1e9;
      return top > -2 && (top < 2 || window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
    }, id, { timeout: 10000 });
    assert.ok(await page.evaluate(() => window.scrollY) > 500, id);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a reload returns to where the page was scrolled (after the later sections are mounted); a new visit starts at the top', async () => {
  const { page, context, errors } = await openApp(browser, site, { width: 1400 });
  await page.waitForFunction(() => document.getElementById('validation'));
  // 150 px into the Chains section.
  const y = await page.evaluate(() => {
    window.scrollTo(0, window.scrollY + document.getElementById('chains').getBoundingClientRect().top + 150);
    return window.scrollY;
  });
  assert.ok(y > 1000, `scrolled to ${y}`);
  await page.reload();
  await page.waitForFunction(() => Math.abs(document.getElementById('chains')?.getBoundingClientRect().top + 150) < 3,
    null, { timeout: 10000 });
  // And it stays there while the charts above and around it draw.
  await page.waitForTimeout(1500);
  assert.ok(Math.abs(await page.evaluate(() => document.getElementById('chains').getBoundingClientRect().top) + 150) < 3);
  // A new visit (typing the address again) is not a reload: the top of the page.
  await page.goto(page.url());
  await page.waitForFunction(() => document.getElementById('validation'));
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an edit in one section reruns its model and keeps the others', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-makespan', 'chart-nines']);
  const nines = await page.getByTestId('nines').textContent();
  const before = await figure(page, 'makespan');
  await page.getByTestId('max-parallel').fill('10');
  await page.getByTestId('max-parallel').press('Enter');
  await page.waitForFunction((b) => parseFloat(document.querySelector('[data-testid=makespan]').textContent) !== b, before, { timeout: 30000 });
  assert.equal(await page.getByTestId('nines').textContent(), nines);
  await page.getByTestId('regions').fill('9');
  await page.getByTestId('regions').press('Enter');
  assert.match(await page.getByTestId('regions-error').textContent(), /regions/);
  assert.equal(await page.getByTestId('nines').textContent(), nines, 'results kept after a refused value');
  await context.close();
});

test('a lesson loads its scenario and text, and the previous scenario comes back', async () => {
  const { page, context } = await openApp(browser, site);
  await page.getByTestId('lesson-keep-alive').click();
  assert.match(await page.getByTestId('lesson-step-setup').textContent(), /keep-alive/i);
  assert.equal(await page.getByTestId('keep-alive').inputValue(), '30');
  // Another lesson, and another: the reader's own scenario is still the one to go back to.
  await page.getByTestId('lesson-chains').click();
  await page.getByTestId('lesson-end').click();
  await page.getByTestId('lesson-breaker').click();
  await page.getByTestId('undo-replace').click();
  assert.equal(await page.getByTestId('keep-alive').inputValue(), '600');
  await context.close();
});

test('a field\'s explanation shows while it has focus and moves nothing below it', async () => {
  const { page, context } = await openApp(browser, site);
  const button = page.getByTestId('chart-latency-csv');
  // Measured once the first scaling result is in: its arrival adds the "Simulated … requests" line above the button,
  // which moved it by one line whenever it landed between the two measurements (1 run in 8, before any hint).
  await allComputed(page, ['chart-latency']);
  const yOf = async () => (await button.evaluate((b) => b.getBoundingClientRect().top + window.scrollY));
  const hint = page.locator('#f-keep-alive-hint');
  const before = await yOf();
  assert.equal(await hint.evaluate((h) => getComputedStyle(h).visibility), 'hidden');
  await page.getByTestId('keep-alive').focus();
  assert.equal(await hint.evaluate((h) => getComputedStyle(h).visibility), 'visible');
  assert.match(await hint.textContent(), /idle instance/i);
  assert.equal(await yOf(), before, 'the hint pushed the page down');
  // A click further down that takes the focus away lands where it was aimed (it used to hit what moved under it).
  await page.getByTestId('keep-alive').fill('60');
  const csv = await download(page, 'chart-latency-csv');
  assert.match(csv, /^series,time_s,latency \[s\]\n/, 'the latency chart\'s CSV');
  assert.match(csv, /^p99,/m);
  await context.close();
});

test('A/B: pin, change, see both in a table of differences and overlaid on the charts', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-latency', 'chart-provisioned-cost', 'chart-breaker-calls']);
  await page.getByTestId('compare-start').click();
  await page.getByTestId('keep-alive').fill('60');
  await page.getByTestId('keep-alive').press('Enter');
  await page.waitForFunction(() => /keep_alive/.test(document.querySelector('[data-testid=compare-params]')?.textContent ?? ''));
  const row = await page.getByTestId('compare-figures').textContent();
  assert.match(row, /Cold starts/);
  const csv = await download(page, 'chart-latency-csv');
  assert.match(csv, /^A · p99,/m, 'A drawn on the latency chart');
  await allComputed(page, ['chart-break-even', 'chart-provisioned-cost', 'chart-breaker-calls']);
  assert.match(await download(page, 'chart-break-even-csv'), /^A · serverless/m);
  assert.match(await download(page, 'chart-provisioned-cost-csv'), /^A · total cost,/m);
  assert.match(await download(page, 'chart-breaker-calls-csv'), /^A · with breaker,/m);
  // B's runs done: no figure is marked as still computing, and the keep-alive edit shows in the cold starts.
  await page.waitForFunction(() => !document.querySelector('[data-testid=compare-figures]').textContent.includes('…'), null, { timeout: 60000 });
  assert.doesNotMatch(await page.getByTestId('compare-figures').locator('tr', { hasText: 'Cold starts' }).textContent(), /=$/);
  await page.getByTestId('compare').screenshot({ path: new URL('./screenshots/compare.png', import.meta.url).pathname });
  await context.close();
});

test('the breaker incident can be moved: its storm of calls comes where the fields put it, and a start after the end is refused', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await allComputed(page, ['chart-breaker-calls']);
  assert.equal(await page.getByTestId('episode-start').inputValue(), '40');
  const before = await download(page, 'chart-breaker-calls-csv');
  for (const [id, v] of [['episode-start', '10'], ['episode-end', '20']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  // The CSV changes once the new run is drawn; then the calls without the breaker storm in 10-20 % of the hour only.
  let csv = before;
  for (let i = 0; i < 60 && csv === before; i++) {
    await page.waitForTimeout(250);
    csv = await download(page, 'chart-breaker-calls-csv');
  }
  // Calls without the breaker per second, in a span of the hour: three calls per request where the incident is (a
  // call and its two retries), one elsewhere.
  const mean = (text, from, to) => {
    const r = text.split('\n').filter((l) => l.startsWith('without breaker,')).map((l) => l.split(',').slice(1).map(Number))
      .filter(([t]) => t >= from && t < to);
    assert.ok(r.length > 5, text.slice(0, 200));
    return r.reduce((a, [, v]) => a + v, 0) / r.length;
  };
  const [early, late] = [[400, 700], [1500, 2100]];
  assert.ok(mean(csv, ...early) > 2 * mean(before, ...early), `10-20 %: ${mean(csv, ...early)} vs ${mean(before, ...early)} calls/s`);
  assert.ok(mean(before, ...late) > 2 * mean(csv, ...late), `40-60 %: ${mean(before, ...late)} vs ${mean(csv, ...late)} calls/s`);
  // A start after the end: the field says why, and the scenario keeps the incident where it was.
  await page.getByTestId('episode-start').fill('30');
  await page.getByTestId('episode-start').press('Enter');
  await page.waitForFunction(() => /before it ends \(start 1,?080 s, end 720 s\)/.test(document.getElementById('resilience').textContent));
  assert.equal(await page.getByTestId('episode-end').inputValue(), '20');
  assert.deepEqual(errors, []);
  await context.close();
});

async function download(page, testid) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const stream = await d.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

test('a model run in parts by several workers shows the same figures as in one worker', async () => {
  // The provisioned sweep, the breaker, the chain and the fan-out sweep are independent runs that the page splits
  // over its workers: one part on a one-core machine, two on two cores, up to four on eight. Every figure must be
  // the same.
  const SPLIT = ['chart-provisioned-cost', 'chart-breaker-calls', 'chart-breaker-latency', 'chart-chain-length', 'chart-chain-time',
    'chart-makespan', 'chart-speedup', 'chart-parallel-cost'];
  const seen = {};
  for (const cores of [1, 2, 8]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addInitScript((n) => {
      Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n });
    }, cores);
    const { page, errors } = await openApp(browser, site, { context });
    await allComputed(page, SPLIT);
    const csv = [];
    for (const id of SPLIT) csv.push(await download(page, `${id}-csv`));
    seen[cores] = { csv };
    assert.deepEqual(errors, [], `${cores} cores`);
    await context.close();
  }
  // Which parts ran where (how many workers, which part the scaling result gives) is the scheduler's, tested natively
  // (src/sched.rs, src/sched/lane.rs); here, that every split gives the same figures.
  const points = seen[1].csv[5].split('\n').filter((l) => l.startsWith('makespan (mean),')).map((l) => l.split(',')[1]);
  assert.deepEqual(points, ['1', '2', '4', '8', '16', '32', '64', '128', '256', '512', '1000'], 'the fan-out sweep has its points, in order');
  assert.equal(seen[1].csv[0].match(/^total cost,/gm).length, 6, 'the sweep has its six levels, in order');
  assert.match(seen[1].csv[0], /^total cost,0,.*\ntotal cost,25,.*\ntotal cost,50,/m);
  for (const c of [2, 8]) {
    SPLIT.forEach((id, i) => assert.equal(seen[c].csv[i], seen[1].csv[i], `${id} on ${c} cores`));
  }
});

test('a long run shows its progress and Cancel; cancelling keeps the last figures, Run again and a newer edit compute', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await allComputed(page, ['chart-chain-length', 'chart-makespan']);
  // A test hook paces the chain's runs in workers to last at least 8 s, so there is time to act while one runs.
  await page.evaluate(() => { window.playgroundTestSlow = { chain: 8000 }; });
  const p99 = await page.getByTestId('chain-p99').textContent();
  const lengths = async () => (await download(page, 'chart-chain-length-csv')).split('\n').filter((l) => l.startsWith(lengthSeries)).length;
  const lengthSeries = (await download(page, 'chart-chain-length-csv')).split('\n')[1].split(',')[0] + ',';
  assert.equal(await lengths(), 4);
  // Twenty functions: the chain model runs 1 to 20 of them, in two workers.
  await page.getByTestId('hops').fill('20');
  await page.getByTestId('hops').press('Enter');
  const status = page.getByTestId('status-chain');
  await status.locator('progress').waitFor();
  assert.match(await status.textContent(), /about [\d.]+ s left/);
  assert.equal(await status.getAttribute('aria-busy'), 'true');
  // The page answers while the chain computes: another model reruns and redraws meanwhile. Its run is short, so no
  // progress row flashes in its status (it shows only for a run past 200 ms).
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=status-parallel]');
    window.progressShown = false;
    new MutationObserver(() => { window.progressShown ||= !!el.querySelector('progress'); })
      .observe(el, { childList: true, subtree: true });
  });
  const makespan = await page.getByTestId('makespan').textContent();
  await page.getByTestId('max-parallel').fill('7');
  await page.getByTestId('max-parallel').press('Enter');
  await page.waitForFunction((b) => document.querySelector('[data-testid=makespan]').textContent !== b, makespan, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.progressShown), false, 'no progress row for a short run');
  assert.ok(await status.locator('progress').isVisible(), 'the chain was still computing');
  await page.getByTestId('cancel-chain').click();
  await page.getByTestId('rerun-chain').waitFor();
  assert.match(await status.textContent(), /Cancelled/);
  assert.equal(await page.getByTestId('chain-p99').textContent(), p99, 'the last figures stay');
  assert.equal(await lengths(), 4, 'and the last charts');
  // Run again, then a newer edit while it runs: the newest scenario's result is the one shown.
  await page.getByTestId('rerun-chain').click();
  await status.locator('progress').waitFor();
  await page.getByTestId('hops').fill('6');
  await page.getByTestId('hops').press('Enter');
  // The progress row shows only for a run past 200 ms; aria-busy says whether any run is under way.
  await page.waitForFunction(() => document.querySelector('[data-testid=status-chain]').getAttribute('aria-busy') === 'false', null, { timeout: 120000 });
  assert.doesNotMatch(await status.textContent(), /Cancelled|failed/);
  assert.equal(await lengths(), 6);
  assert.notEqual(await page.getByTestId('chain-p99').textContent(), p99);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a first long run shows its workers\' progress: a lane waiting for a worker says so, the time left is shown and the bar rises', async () => {
  // The default scenario with 3 hours at 1,000 req/s (10.8 M requests), opened from a link, so no model has run in
  // this page before: the time left comes from the workers' progress reports, not from an earlier run's speed. A
  // test hook paces the chain's runs in workers to last at least 8 s whatever the machine (window.playgroundTestSlow);
  // how close the estimate comes to the time left is a native test (sched::lane), not a race against the clock here.
  const first = await openApp(browser, site);
  await first.page.getByTestId('share').click();
  const shared = await first.page.evaluate(() => location.hash);
  await first.context.close();
  const s = JSON.parse(Buffer.from(shared.split('&')[0].split('.').slice(1).join('.'), 'base64url').toString('utf8'));
  s.load = { points: [{ t: 0, rate: 1000 }, { t: 10800, rate: 1000 }] };
  const hash = '#s=1.' + Buffer.from(JSON.stringify(s)).toString('base64url');
  const given = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await given.addInitScript(() => { window.playgroundTestSlow = { chain: 8000 }; });
  const { page, context, errors } = await openApp(browser, site, { hash, context: given });
  // The chain's status every 100 ms until its run has ended (it waits for the sweeps and the breaker first).
  const samples = await page.evaluate(() => new Promise((ok) => {
    const out = [];
    const t0 = performance.now();
    const timer = setInterval(() => {
      const el = document.querySelector('[data-testid=status-chain]');
      const t = performance.now() - t0;
      out.push({ t, text: el?.textContent ?? '', value: Number(el?.querySelector('progress')?.value ?? -1) });
      if ((el?.getAttribute('aria-busy') === 'false' && t > 1000) || t > 150000) { clearInterval(timer); ok(out); }
    }, 100);
  }));
  assert.match(samples.at(-1).text, /Computed in/, 'the chain finished');
  assert.ok(samples.some((x) => /Waiting for a free worker/.test(x.text)), 'the chain waited for a worker, and said so');
  const timed = samples.filter((x) => /about [\d.]+ s left/.test(x.text))
    .map((x) => ({ t: x.t, value: x.value, left: Number(x.text.match(/about ([\d.]+) s left/)[1]) }));
  assert.ok(timed.length >= 5, `${timed.length} estimates`);
  assert.ok(timed.every((x) => x.left > 0), 'every estimate is a time');
  assert.ok(timed.at(-1).value > timed[0].value + 0.3, `the bar rises: ${timed[0].value} → ${timed.at(-1).value}`);
  assert.ok(timed.at(-1).left < timed[0].left, `the time left falls: ${timed[0].left} → ${timed.at(-1).left} s`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('share link round trip in a fresh page; autosave restores after reload', async () => {
  const { page, context } = await openApp(browser, site);
  await page.getByTestId('seed').fill('42');
  await page.getByTestId('seed').press('Enter');
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /#s=1\./);
  await page.reload();
  await page.getByTestId('load-chart').waitFor();
  assert.equal(await page.getByTestId('seed').inputValue(), '42', 'autosave restored');
  const fresh = await browser.newContext();
  const p2 = await fresh.newPage();
  await p2.goto(link);
  await p2.getByTestId('load-chart').waitFor();
  assert.equal(await p2.getByTestId('seed').inputValue(), '42');
  assert.match(await p2.getByTestId('notice').textContent(), /from the link/);
  await p2.goto(site.url + '#s=1.broken*');
  await p2.reload();
  await p2.getByTestId('load-chart').waitFor();
  assert.match(await p2.getByTestId('notice').textContent(), /could not be opened/);
  await fresh.close();
  await context.close();
});

test('autosave: a burst of edits is written once it settles; a reload right after an edit keeps it', async () => {
  const { page, context } = await openApp(browser, site);
  const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('serverless-playground.autosave') ?? '{}').seed);
  // Three edits, as a dragged slider gives: nothing is written in the edits' tasks or just after them...
  const rightAfter = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid=seed]');
    for (const v of ['71', '72', '73']) {
      input.value = v;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((ok) => setTimeout(ok, 5));
    }
    await new Promise((ok) => setTimeout(ok, 20));
    return JSON.parse(localStorage.getItem('serverless-playground.autosave') ?? '{}').seed;
  });
  assert.ok(![71, 72, 73].includes(rightAfter), `written at once (${rightAfter})`);
  // ...and the last is, shortly after.
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('serverless-playground.autosave') ?? '{}').seed === 73);
  // An edit and at once a reload (before the save was due): leaving the page writes it.
  await page.evaluate(() => {
    const input = document.querySelector('[data-testid=seed]');
    input.value = '77';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    location.reload();
  });
  await page.waitForLoadState('load');
  await page.getByTestId('load-chart').waitFor();
  assert.equal(await page.getByTestId('seed').inputValue(), '77');
  assert.equal(await stored(), 77);
  await context.close();
});

test('exports: chart PNG and CSV, scenario JSON; importing JSON', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-speedup']);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-speedup-png').click()]);
  assert.equal(png.suggestedFilename(), 'chart-speedup.png');
  assert.match(await download(page, 'chart-speedup-csv'), /^series,instances allowed \(P\),speedup/);
  const json = await download(page, 'export-json');
  assert.equal(JSON.parse(json).version, 1);
  await page.getByTestId('paste-json').evaluate((el) => el.closest('details').open = true);
  await page.getByTestId('paste-json').fill(json.replace('"seed": 1', '"seed": 77'));
  await page.getByTestId('import-pasted').click();
  assert.equal(await page.getByTestId('seed').inputValue(), '77');
  await page.getByTestId('paste-json').fill('{"version": 9}');
  await page.getByTestId('import-pasted').click();
  assert.match(await page.getByTestId('bar-message').textContent(), /newer playground/);
  assert.equal(await page.getByTestId('seed').inputValue(), '77', 'nothing changed');
  await context.close();
});

test('language switch to Chinese and back', async () => {
  const { page, context } = await openApp(browser, site);
  await page.getByTestId('lang-zh').click();
  assert.match(await page.locator('#scaling-title').textContent(), /扩缩容/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await screenshot(page, 'page-zh');
  await page.getByTestId('lang-en').click();
  assert.equal(await page.locator('#scaling-title').textContent(), 'Scaling');
  await context.close();
});

test('hovering a chart shows the values under the pointer', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-latency']);
  const c = page.getByTestId('chart-latency');
  await c.scrollIntoViewIfNeeded();
  const box = await c.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  assert.match(await page.getByTestId('chart-latency-readout').textContent(), /p99: [\d.]+/);
  await context.close();
});

const SECTIONS = ['scaling', 'cost', 'availability', 'parallel', 'resilience', 'chains'];

for (const [width, name] of [[375, 'phone'], [1920, 'projector']]) {
  test(`axe-core finds no accessibility violations at ${width} px (${name}); no horizontal overflow`, async () => {
    const context = await browser.newContext({ viewport: { width, height: name === 'phone' ? 800 : 1080 }, bypassCSP: true });
    const { page } = await openApp(browser, site, { context });
    await allComputed(page);
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    const v = result.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(v, []);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= width + 1, `page is ${wide}px wide at ${width}px`);
    // Every chart's canvas fits its card.
    const overflowing = await page.evaluate(() => [...document.querySelectorAll('canvas')]
      .filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((c) => c.dataset.testid));
    assert.deepEqual(overflowing, []);
    for (const id of SECTIONS) {
      await page.locator('#' + id).screenshot({ path: new URL(`./screenshots/section-${id}-${name}.png`, import.meta.url).pathname });
    }
    await context.close();
  });
}

test('named saves: save, list, open, delete', async () => {
  const { page, context } = await openApp(browser, site);
  await page.getByTestId('seed').fill('5');
  await page.getByTestId('seed').press('Enter');
  await page.getByTestId('save-name').fill('five');
  await page.getByTestId('save').click();
  assert.match(await page.getByTestId('bar-message').textContent(), /five/);
  await page.getByTestId('seed').fill('6');
  await page.getByTestId('seed').press('Enter');
  await page.reload();
  await page.getByTestId('load-chart').waitFor();
  assert.equal(await page.getByTestId('seed').inputValue(), '6', 'autosave kept the newest edit');
  await page.getByTestId('saved-list').selectOption('five');
  await page.getByTestId('open-saved').click();
  assert.equal(await page.getByTestId('seed').inputValue(), '5', 'the saved scenario opened');
  await page.getByTestId('undo-replace').click();
  assert.equal(await page.getByTestId('seed').inputValue(), '6', 'and the one it replaced came back');
  await page.getByTestId('saved-list').selectOption('five');
  await page.getByTestId('delete-saved').click();
  assert.equal(await page.getByTestId('saved-list').locator('option[value=five]').count(), 0);
  await context.close();
});

test('the validation panel runs the 20 AWS experiments and shows both errors', async () => {
  const { page, context } = await openApp(browser, site);
  // It runs only on request; until then its status says so (not that a result is coming).
  await page.getByTestId('run-validation').waitFor();
  assert.match(await page.getByTestId('status-validation').textContent(), /Not run yet/);
  await page.getByTestId('run-validation').click();
  await page.getByTestId('validation-table').waitFor({ timeout: 120000 });
  assert.equal(await page.getByTestId('validation-table').locator('tbody tr').count(), 20);
  for (const id of ['mape-sim-cold', 'mape-sim-instances', 'mape-pacs-cold', 'mape-pacs-instances']) {
    const v = await figure(page, id);
    assert.ok(v >= 0 && v < 100, `${id} = ${v}`);
  }
  // The panel runs the nominal 10-minute keep-alive (as SimFaaS did): about 13 % at its 20,000 requests per row,
  // the same bound as the native test of this setting; and, as published, closer than the analytic model.
  const sim = await figure(page, 'mape-sim-cold');
  assert.ok(sim <= 13.5, `cold-start error ${sim} %`);
  assert.ok(sim < await figure(page, 'mape-pacs-cold'));
  await page.locator('#validation').screenshot({ path: new URL('./screenshots/section-validation-desktop.png', import.meta.url).pathname });
  await context.close();
});

test('User Timing: every model\'s run is measured as compute, simulate and analyse, every chart as draw', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page);
  const names = async (where) => where.evaluate(() => performance.getEntriesByType('measure').map((m) => [m.name, m.duration]));
  const page_measures = await names(page);
  const worker_measures = (await Promise.all(page.workers().map((w) => names(w).catch(() => [])))).flat();
  const all = [...page_measures, ...worker_measures];
  const has = (name) => all.some(([n]) => n === name);
  const models = JSON.parse(await page.evaluate(() => window.wasmBindings.models()));
  for (const model of models.filter((m) => m.runs_on_edit).map((m) => m.id)) {
    assert.ok(page_measures.some(([n]) => n === `compute ${model}`), `compute ${model} on the page`);
    // In a worker, or on the page for a run short enough to run there.
    assert.ok(has(`analyse ${model}`), `analyse ${model}`);
  }
  // The scaling run (tens of ms) runs in a worker.
  assert.ok(worker_measures.some(([n]) => n === 'simulate scaling'), 'simulate scaling in a worker');
  assert.ok(worker_measures.some(([n]) => n === 'analyse scaling'), 'analyse scaling in a worker');
  // An analysis lies inside its run: no longer than the longest simulation of that model in the same place.
  for (const measures of [page_measures, worker_measures]) {
    for (const [n, d] of measures.filter(([n]) => n.startsWith('analyse '))) {
      const sims = measures.filter(([m]) => m === n.replace('analyse', 'simulate')).map(([, x]) => x);
      if (sims.length) assert.ok(d <= Math.max(...sims) + 0.5, `${n} ${d} ms longer than its simulation`);
    }
  }
  const charts = await chartsOf(page);
  assert.ok(charts.length >= 20, `${charts.length} charts listed`);
  for (const chart of charts) assert.ok(has(`draw ${chart}`), `draw ${chart}`);
  await context.close();
});

test('an edit that keeps some of a model\'s runs runs only the others, with the figures of a run from scratch', async () => {
  // The fan-out sweep's points below a new top, the breaker's run without the breaker after an edit of its
  // threshold, the provisioned sweep's levels after an edit of the provisioned count and the chain's shorter runs
  // after one more hop are kept from the runs before; the page runs the rest and merges. A fresh page opened with
  // the edited scenario computes everything: the charts' data must be the same to the last digit.
  const KEPT = ['chart-makespan', 'chart-speedup', 'chart-parallel-cost', 'chart-breaker-calls', 'chart-breaker-success',
    'chart-breaker-latency', 'chart-provisioned-cost', 'chart-provisioned-benefit', 'chart-chain-length', 'chart-chain-time'];
  const { page, context, errors } = await openApp(browser, site, { width: 1280, height: 900 });
  await allComputed(page, KEPT);
  const marks = (prefix) => page.evaluate((p) => performance.getEntriesByType('mark').map((m) => m.name).filter((n) => n.startsWith(p)), prefix);
  const settle = () => page.waitForFunction(() => !document.querySelector('[data-testid^=status-][aria-busy=true]'), null, { timeout: 60000 });
  const edit = async (testid, value, model) => {
    const runs = () => page.evaluate((m) => performance.getEntriesByName(`compute ${m}`).length, model);
    const before = await runs();
    await page.getByTestId(testid).fill(String(value));
    await page.getByTestId(testid).press('Enter');
    await page.waitForFunction(([m, n]) => performance.getEntriesByName(`compute ${m}`).length > n, [model, before], { timeout: 60000 });
    await settle();
  };
  assert.deepEqual(await marks('kept '), [], 'nothing to keep before the first edit');
  await edit('max-parallel', 37, 'parallel');
  await edit('failure-threshold', 30, 'breaker');
  await edit('provisioned', 5, 'provisioned');
  await edit('hops', 5, 'chain');
  // P = 1 … 32 of the eleven points kept, 37 new; the run without the breaker kept; all six levels kept; of the
  // longer chain's runs (1, 3, 4 and 5 hops) those of 1 and 3 hops kept.
  assert.deepEqual(await marks('kept '), ['kept parallel 6/7', 'kept breaker 1/2', 'kept provisioned 6/6', 'kept chain 2/4']);
  const edited = [];
  for (const id of KEPT) edited.push(await download(page, `${id}-csv`));
  assert.match(edited[0], /^makespan \(mean\),37,/m, 'the sweep ends at the new top');
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p2 = await fresh.newPage();
  await p2.goto(link);
  await allComputed(p2, KEPT);
  assert.equal(await p2.getByTestId('max-parallel').inputValue(), '37');
  assert.deepEqual(await p2.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kept ')).length), 0);
  for (const [i, id] of KEPT.entries()) assert.equal(await download(p2, `${id}-csv`), edited[i], id);
  assert.deepEqual(errors, []);
  await fresh.close();
  await context.close();
});

test('an edit back to recent inputs shows their results at once, without simulating again', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-latency', 'chart-provisioned-cost']);
  const runs = () => page.evaluate(() => performance.getEntriesByName('compute scaling').length);
  const cold = async () => page.getByTestId('cold-prob').textContent();
  const first = { cold: await cold(), p99: await page.getByTestId('p99').textContent() };
  await page.getByTestId('keep-alive').fill('60');
  await page.getByTestId('keep-alive').press('Enter');
  await page.waitForFunction((c) => document.querySelector('[data-testid=cold-prob]').textContent !== c, first.cold, { timeout: 30000 });
  await allComputed(page, ['chart-latency', 'chart-provisioned-cost']);
  await page.waitForFunction(() => !document.querySelector('[data-testid^=status-][aria-busy=true]'));
  const before = await runs();
  assert.doesNotMatch(await page.getByTestId('took-scaling').textContent(), /again/);
  await page.getByTestId('keep-alive').fill('600');
  await page.getByTestId('keep-alive').press('Enter');
  // Shown in the same task as the edit: no worker round trip, no progress bar.
  assert.equal(await cold(), first.cold);
  assert.equal(await page.getByTestId('p99').textContent(), first.p99);
  assert.match(await page.getByTestId('took-scaling').textContent(), /Computed earlier in [\d.]+ ms, shown again without simulating/);
  assert.equal(await runs(), before, 'no new scaling run');
  assert.equal(await page.locator('[data-testid^=status-][aria-busy=true]').count(), 0, 'nothing computing');
  // A new value simulates again, and says so.
  await page.getByTestId('keep-alive').fill('120');
  await page.getByTestId('keep-alive').press('Enter');
  await page.waitForFunction((n) => performance.getEntriesByName('compute scaling').length > n, before, { timeout: 30000 });
  await page.waitForFunction(() => /^Computed in/.test(document.querySelector('[data-testid=took-scaling]')?.textContent ?? ''), null, { timeout: 30000 });
  await context.close();
});

test('a price edit reprices the cost charts at once, without simulating again', async () => {
  const { page, context } = await openApp(browser, site);
  await allComputed(page, ['chart-cost', 'chart-provisioned-cost']);
  const runs = () => page.evaluate(() => performance.getEntriesByName('compute scaling').length);
  const before = await runs();
  const cost = await figure(page, 'cost');
  await page.getByTestId('price-gb-s').fill('0.0000333334');
  await page.getByTestId('price-gb-s').press('Enter');
  await page.waitForFunction((c) => parseFloat(document.querySelector('[data-testid=cost]').textContent.replace(/[^\d.]/g, '')) !== c, cost);
  assert.ok(await figure(page, 'cost') > cost, 'dearer GB-s, dearer bill');
  assert.equal(await runs(), before, 'no new scaling run');
  await context.close();
});

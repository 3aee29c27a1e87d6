// Honest figures under heavy or broken input: a heavy link asks before any long run and shows no placeholder as a
// result; a crashed worker fails its own section only, with Try again; and a fuzz test of share links, scenario
// JSON and load CSV (each mutation gives an inline message naming the problem or a valid result, never a page
// error, a blank page or a lost scenario).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, screenshot } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** The default scenario, as the page shares it. */
async function defaultScenario() {
  const { page, context } = await openApp(browser, site);
  await page.getByTestId('share').click();
  const shared = await page.evaluate(() => location.hash);
  await context.close();
  return JSON.parse(Buffer.from(shared.split('&')[0].split('.').slice(1).join('.'), 'base64url').toString('utf8'));
}

const link = (s) => '#s=1.' + Buffer.from(JSON.stringify(s)).toString('base64url');
const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

test('a link to 30 days at 1,000,000 req/s asks first: nothing long starts, figures show —, the choices work', async () => {
  const s = await defaultScenario();
  s.load = { points: [{ t: 0, rate: 1e6 }, { t: 30 * 86400, rate: 1e6 }] };
  const { page, context, errors } = await openApp(browser, site, { hash: link(s) });
  const ask = page.getByTestId('heavy');
  await ask.waitFor();
  const list = await text(page, 'heavy-list');
  assert.match(list, /2\.59 T requests, about [\d.]+ (d|h)/, list);
  // No figure of a held model reads as a result, and its section says what waits.
  for (const id of ['cold-prob', 'p50', 'cost', 'cost-bill', 'chain-p99', 'success']) {
    assert.equal(await text(page, id), '—', id);
  }
  for (const id of ['scaling', 'chain', 'breaker', 'provisioned']) {
    assert.match(await text(page, `held-${id}`), /Not run yet: .* about/, id);
    assert.equal(await page.getByTestId(`status-${id}`).getAttribute('aria-busy'), 'false', `${id} is not running`);
  }
  await screenshot(page, 'heavy-ask');
  // The models that do not follow the curve ran as usual.
  await page.waitForFunction(() => document.querySelector('[data-testid=availability]')?.textContent.includes('%'));

  // A shorter part: the curve is cut so that every held run fits, and they run.
  const shorter = await text(page, 'heavy-shorter');
  assert.match(shorter, /Simulate the first [\d.]+ (s|min) of the curve/);
  await page.getByTestId('heavy-shorter').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=heavy]'));
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=cold-prob]')?.textContent ?? ''), null, { timeout: 60000 });
  assert.ok(Number((await text(page, 'expected-requests')).replace(/[^\d.]/g, '')) > 0);

  // Back to the whole curve: it asks again; "Leave them" closes the question and the sections still wait.
  await page.getByTestId('undo-replace').click();
  await ask.waitFor();
  await page.getByTestId('heavy-leave').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=heavy]'));
  assert.match(await text(page, 'held-scaling'), /Not run yet/);
  // Run anyway starts it (with its progress and Cancel); Cancel stops it.
  await page.getByTestId('run-anyway-scaling').click();
  await page.getByTestId('cancel-scaling').waitFor({ timeout: 10000 });
  await page.getByTestId('cancel-scaling').click();
  await page.getByTestId('rerun-scaling').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Chinese the question says the same', async () => {
  const s = await defaultScenario();
  s.load = { points: [{ t: 0, rate: 1e6 }, { t: 30 * 86400, rate: 1e6 }] };
  const { page, context, errors } = await openApp(browser, site, { hash: link(s) });
  await page.getByTestId('lang-zh').click();
  await page.getByTestId('heavy').waitFor();
  assert.match(await text(page, 'heavy-list'), /2\.59 T 个请求，在这里约需/);
  assert.match(await text(page, 'heavy-shorter'), /只模拟曲线的前/);
  await page.getByTestId('lang-en').click();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a worker that crashes fails its own section with Try again; the other sections go on', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=chain-cold]')?.textContent ?? ''), null, { timeout: 60000 });
  const makespan = await text(page, 'makespan');
  // The test hook: the chain's next worker throws instead of answering.
  await page.evaluate(() => { window.playgroundTestCrash = 'chain'; });
  await page.getByTestId('hops').fill('6');
  await page.getByTestId('hops').press('Enter');
  const error = page.getByTestId('error-chain');
  await error.waitFor({ timeout: 30000 });
  assert.match(await error.textContent(), /its worker stopped \(.*forced crash/);
  // Another model still computes.
  await page.getByTestId('tasks').fill('333');
  await page.getByTestId('tasks').press('Enter');
  await page.waitForFunction((m) => document.querySelector('[data-testid=makespan]')?.textContent !== m, makespan, { timeout: 30000 });
  await page.locator('#chains').screenshot({ path: new URL('./screenshots/worker-crash-chains.png', import.meta.url).pathname });
  // Try again, without the hook: the chain computes.
  await page.evaluate(() => { delete window.playgroundTestCrash; });
  await page.getByTestId('retry-chain').click();
  await page.getByTestId('took-chain').waitFor({ timeout: 60000 });
  assert.equal(await page.getByTestId('error-chain').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

// --- fuzz ---------------------------------------------------------------------------------------------------------

/** A small seeded generator (mulberry32), so a failing mutation can be found again. */
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD = ['1e308', '-1e308', '-1', '-0', 'NaN', 'Infinity', '1e-320', '99999999999999999999', '0', '"7"', 'null',
  '[]', '{}', 'true', '"\u202e\u0000😀"'];
const UNICODE = ['😀', '\u0000', '\u202e', '中', '\ufeff', '\ud800', 'é', '\n', ',', '"', '{', '}'];

/** One random mutation of `s`: cut short, a character flipped, a number made odd, unicode inserted, a piece deleted
 *  or repeated. */
function mutate(s, r) {
  const at = Math.floor(r() * (s.length + 1));
  switch (Math.floor(r() * 6)) {
    case 0: return s.slice(0, at);
    case 1: {
      if (!s.length) return s;
      const i = Math.min(at, s.length - 1);
      return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << Math.floor(r() * 7))) + s.slice(i + 1);
    }
    case 2: {
      const nums = [...s.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
      if (!nums.length) return s + ODD[Math.floor(r() * ODD.length)];
      const m = nums[Math.floor(r() * nums.length)];
      return s.slice(0, m.index) + ODD[Math.floor(r() * ODD.length)] + s.slice(m.index + m[0].length);
    }
    case 3: return s.slice(0, at) + UNICODE[Math.floor(r() * UNICODE.length)] + s.slice(at);
    case 4: return s.slice(0, at) + s.slice(Math.min(s.length, at + 1 + Math.floor(r() * 20)));
    default: return s.slice(0, at) + s.slice(Math.max(0, at - 10), at) + s.slice(at);
  }
}

/** Whether the page is whole: the load chart is there and the page is not blank. */
async function pageIsWhole(page) {
  return page.evaluate(() => !!document.querySelector('[data-testid=load-chart]') && document.body.innerText.length > 500);
}

test('fuzz: 520 mutated share links, scenario JSONs and load CSVs give a message or a result, never a broken page', async () => {
  const r = rng(20261206);
  const s = await defaultScenario();
  const json = JSON.stringify(s, null, 2);
  const csv = 'time_s,rate_rps\n' + s.load.points.map((p) => `${p.t},${p.rate}`).join('\n') + '\n';
  const { page, context, errors } = await openApp(browser, site);
  let messages = 0, results = 0;
  const counts = { json: 0, csv: 0, link: 0 };
  const fail = (what, input, why) => assert.fail(`${what} mutation ${JSON.stringify(input).slice(0, 300)}: ${why}`);

  // Scenario JSON, pasted: an error naming the problem and nothing changed, or the scenario imported.
  await page.evaluate(() => { document.querySelector('[data-testid=paste-json]').closest('details').open = true; });
  for (let i = 0; i < 220; i++) {
    let input = json;
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) input = mutate(input, r);
    const before = await text(page, 'expected-requests');
    await page.getByTestId('paste-json').fill(input);
    await page.getByTestId('import-pasted').click();
    const msg = page.getByTestId('bar-message');
    await msg.waitFor({ timeout: 5000 }).catch(() => fail('json', input, 'no message'));
    const cls = await msg.getAttribute('class');
    const said = await msg.textContent();
    if (cls.includes('error')) {
      messages++;
      assert.match(said, /Not imported, nothing changed: \S/, said);
      if (await text(page, 'expected-requests') !== before) fail('json', input, 'the scenario changed on an error');
    } else {
      results++;
    }
    if (!(await pageIsWhole(page))) fail('json', input, 'blank page');
    if (errors.length) fail('json', input, errors.join('; '));
    counts.json++;
  }
  // Back to the defaults before the CSV part (a mutated scenario may be heavy).
  await page.getByTestId('paste-json').fill(json);
  await page.getByTestId('import-pasted').click();

  // Load CSV: an error naming the line (or the problem), the curve unchanged; or the curve imported.
  for (let i = 0; i < 220; i++) {
    let input = csv;
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) input = mutate(input, r);
    const before = await text(page, 'expected-requests');
    await page.getByTestId('csv-input').fill(input);
    await page.getByTestId('import').click();
    const err = page.getByTestId('import-error');
    const ok = page.getByTestId('status');
    await Promise.race([err.waitFor({ timeout: 5000 }), ok.waitFor({ timeout: 5000 })]).catch(() => fail('csv', input, 'no message'));
    if (await err.count()) {
      messages++;
      assert.ok((await err.textContent()).length > 10);
      if (await text(page, 'expected-requests') !== before) fail('csv', input, 'the curve changed on an error');
    } else {
      results++;
    }
    if (!(await pageIsWhole(page))) fail('csv', input, 'blank page');
    if (errors.length) fail('csv', input, errors.join('; '));
    counts.csv++;
  }

  // Share links: the scenario's JSON or the link itself mutated; a fresh load of each.
  for (let i = 0; i < 80; i++) {
    const hash = r() < 0.5
      ? '#s=1.' + Buffer.from(mutate(JSON.stringify(s), r)).toString('base64url')
      : mutate(link(s), r);
    await page.goto('about:blank');
    await page.goto(site.url + hash);
    await page.getByTestId('load-chart').waitFor({ timeout: 15000 }).catch(() => fail('link', hash, 'no page'));
    const notice = page.getByTestId('notice');
    if (await notice.count() && /could not be opened/.test(await notice.textContent())) messages++;
    else results++;
    if (!(await pageIsWhole(page))) fail('link', hash, 'blank page');
    if (errors.length) fail('link', hash, errors.join('; '));
    counts.link++;
  }
  console.log(`fuzz: ${JSON.stringify(counts)}; ${messages} refused with a message, ${results} valid`);
  assert.equal(counts.json + counts.csv + counts.link, 520);
  assert.ok(messages > 100 && results > 20, `${messages} messages, ${results} results`);
  await context.close();
});

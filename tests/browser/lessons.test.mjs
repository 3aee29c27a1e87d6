// The guided lessons: a lesson walked step by step (prediction, change, check says right or wrong), a step opened
// from a link, every lesson's expected answer (from the teacher's sheet) checked by the page's own runs, presentation
// mode from the keyboard, the teacher's sheet, and axe in a lesson and in presentation mode at 375, 1280 and 1920 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { serve, launch, openApp, screenshot } from './harness.mjs';

const require = createRequire(import.meta.url);
let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const step = async (page) => (await page.getByTestId('lesson-step').textContent()).trim();
const check = (page) => page.getByTestId('lesson-check');

test('a lesson walked step by step: the set-up, a prediction, the change, a check that says right or wrong', async () => {
  const { page, context, errors } = await openApp(browser, site);
  await page.getByTestId('lesson-keep-alive').click();
  assert.equal(await step(page), 'Step 1 of 5: The set-up');
  assert.match(page.url(), /#lesson=keep-alive&step=1$/);
  assert.equal(await page.getByTestId('keep-alive').inputValue(), '30', 'its scenario loaded');
  // The field that matters is outlined; another is not.
  const outline = (id) => page.locator('.field', { has: page.getByTestId(id) }).evaluate((f) => getComputedStyle(f).outlineStyle);
  assert.equal(await outline('keep-alive'), 'solid');
  assert.equal(await outline('memory'), 'none');
  // Its section came into view.
  await page.waitForFunction(() => Math.abs(document.getElementById('scaling').getBoundingClientRect().top) < 2);
  assert.equal(await page.getByTestId('lesson-back').isDisabled(), true);
  await page.getByTestId('lesson-next').click();
  assert.equal(await step(page), 'Step 2 of 5: Predict');
  assert.match(await page.getByTestId('lesson-predict').textContent(), /keep-alive from 30 s to 10 minutes/);
  // A wrong prediction first.
  await page.getByTestId('lesson-answer-rises').check();
  await page.getByTestId('lesson-next').click();
  assert.match(page.url(), /step=3$/);
  assert.equal(await page.getByTestId('lesson-made').textContent(), 'Not made yet.');
  // Made by hand: the check follows the scenario, whoever changed it.
  await page.getByTestId('keep-alive').fill('600');
  await page.getByTestId('keep-alive').press('Enter');
  await page.getByTestId('lesson-made').filter({ hasText: 'Made' }).waitFor();
  assert.equal(await page.getByTestId('lesson-do-it').isDisabled(), true);
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-result').waitFor({ timeout: 30000 });
  const said = await check(page).textContent();
  assert.match(said, /Cold starts: 5\d\.\d % before the change, 0\.\d+ % after: it fell\./);
  assert.match(said, /You predicted “It rises”: not this time/);
  assert.equal(await page.getByTestId('lesson-wrong').count(), 1);
  // Back to the prediction, the right one this time; the check says so.
  await page.getByTestId('lesson-back').click();
  await page.getByTestId('lesson-back').click();
  await page.getByTestId('lesson-answer-falls').check();
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-right').waitFor();
  assert.match(await check(page).textContent(), /You predicted “It falls”: right\./);
  await page.getByTestId('lesson-next').click();
  assert.equal(await step(page), 'Step 5 of 5: What it shows');
  assert.match(await page.getByTestId('lesson-step-close').textContent(), /fell from about 57 % to under 1 %/);
  assert.equal(await page.getByTestId('lesson-next').isDisabled(), true);
  await screenshot(page, 'lesson-check-1280');
  // Ending the lesson gives the page its own address back; the scenario stays.
  await page.getByTestId('lesson-end').click();
  assert.equal(await page.getByTestId('lesson-guide').count(), 0);
  assert.doesNotMatch(page.url(), /#/);
  assert.equal(await page.getByTestId('keep-alive').inputValue(), '600');
  assert.deepEqual(errors, []);
  await context.close();
});

test("a lesson's step opened from a link; a link to no lesson says which exist", async () => {
  const { page, context, errors } = await openApp(browser, site, { hash: '#lesson=two-regions&step=3' });
  await page.getByTestId('lesson-guide').waitFor();
  assert.equal(await step(page), 'Step 3 of 5: Make the change');
  assert.equal(await page.getByTestId('regions').inputValue(), '1', "the lesson's set-up loaded");
  await page.waitForFunction(() => Math.abs(document.getElementById('availability')?.getBoundingClientRect().top) < 2);
  // "Do it for me", then the check, with no prediction made.
  await page.getByTestId('lesson-do-it').click();
  assert.equal(await page.getByTestId('regions').inputValue(), '2');
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-result').waitFor({ timeout: 60000 });
  assert.match(await check(page).textContent(), /Nines: [\d.]+ before the change, [\d.]+ after: it rose\./);
  assert.match(await page.getByTestId('lesson-no-prediction').textContent(), /go back to step 2/);
  // In Chinese.
  await page.getByTestId('lang-zh').click();
  assert.equal(await step(page), '第 4 步，共 5 步：检验');
  assert.match(await check(page).textContent(), /修改前 [\d.]+，修改后 [\d.]+：上升了/);
  await page.getByTestId('lang-en').click();
  // A step past the end is the last, and said; a lesson that does not exist is said, with the ones that do.
  await page.goto(site.url + '#lesson=breaker&step=99');
  await page.getByTestId('lesson-guide').waitFor();
  assert.equal(await step(page), 'Step 5 of 5: What it shows');
  assert.equal(await page.getByTestId('lesson-step-error').textContent(), 'The link asks for step “99”; this lesson has steps 1 to 5. Here is step 5.');
  await page.getByTestId('lesson-back').click();
  assert.equal(await page.getByTestId('lesson-step-error').count(), 0);
  await page.goto(site.url + '#lesson=keepalive&step=2');
  await page.getByTestId('lesson-link-error').waitFor();
  assert.match(await page.getByTestId('lesson-link-error').textContent(), /“keepalive” that does not exist; the lessons are: watch-cold, cold-p99, keep-alive,/);
  assert.equal(await page.getByTestId('lesson-guide').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("every lesson's expected answer, as the teacher's sheet gives it, is what the page's own runs show", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const sheet = await ctx.newPage();
  await sheet.goto(site.url + '#sheet');
  await sheet.getByTestId('sheet').waitFor();
  const lessons = await sheet.locator('.sheet-lesson').evaluateAll((ls) => ls.map((l) => ({
    id: l.dataset.testid.replace(/^sheet-/, ''),
    answer: l.querySelector('.sheet-lang').textContent.match(/Expected answer: (It rises|It falls|It stays about the same)/)?.[1],
  })));
  assert.ok(lessons.length >= 12, `${lessons.length} lessons`);
  const ids = { 'It rises': 'rises', 'It falls': 'falls', 'It stays about the same': 'same' };
  const p = await ctx.newPage();
  const seen = [];
  p.on('pageerror', (e) => seen.push(String(e)));
  for (const { id, answer } of lessons) {
    assert.ok(answer, `${id}: an expected answer`);
    await p.goto('about:blank');
    await p.goto(site.url + `#lesson=${id}&step=1`);
    await p.getByTestId('lesson-guide').waitFor();
    // The fields it is about are there, outlined.
    const fields = (await p.getByTestId('lesson-guide').getAttribute('data-fields')).split(' ');
    for (const f of fields) {
      await p.waitForFunction((f) => [...document.querySelectorAll('.field')]
        .some((el) => el.querySelector(`[data-testid="${f}"]`) && getComputedStyle(el).outlineStyle === 'solid'), f, { timeout: 10000 })
        .catch(() => assert.fail(`${id}: the field ${f} is not there outlined`));
    }
    while (!(await step(p)).includes('Predict')) await p.getByTestId('lesson-next').click();
    await p.getByTestId(`lesson-answer-${ids[answer]}`).check();
    await p.getByTestId('lesson-next').click();
    await p.getByTestId('lesson-do-it').click();
    await p.getByTestId('lesson-next').click();
    await p.locator('[data-testid=lesson-right], [data-testid=lesson-wrong], [data-testid=lesson-after]').first().waitFor({ timeout: 90000 });
    const text = await check(p).textContent();
    assert.equal(await p.getByTestId('lesson-right').count(), 1, `${id}: ${text}`);
  }
  assert.deepEqual(seen, []);
  await ctx.close();
});

test('presentation mode: one key in, arrows step, the lesson alone in large type, changed figures flash, Esc leaves', async () => {
  const { page, context, errors } = await openApp(browser, site, { width: 1920, height: 1080, hash: '#lesson=cold-p99&step=1' });
  await page.getByTestId('lesson-guide').waitFor();
  const canvasHeight = () => page.getByTestId('chart-latency').evaluate((c) => c.getBoundingClientRect().height);
  await page.getByTestId('chart-latency').waitFor();
  const normal = await canvasHeight();
  await page.keyboard.press('p');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), true);
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '24px');
  assert.equal(await page.locator('header.top').evaluate((e) => e.getBoundingClientRect().height), 1, 'the heading is for screen readers only');
  for (const hidden of ['nav.sections', '#lessons', '#load', '#availability', '#chains']) {
    assert.equal(await page.locator(hidden).evaluate((e) => getComputedStyle(e).display), 'none', hidden);
  }
  assert.equal(await page.locator('#scaling').isVisible(), true);
  // Only the fields that matter; the charts drawn larger.
  assert.equal(await page.getByTestId('provisioned').isVisible(), true);
  assert.equal(await page.getByTestId('memory').isVisible(), false);
  await page.waitForFunction((h) => document.querySelector('[data-testid=chart-latency]').getBoundingClientRect().height > h * 1.4, normal);
  // The arrows step; the prediction and the change by the keyboard and a click.
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(page), 'Step 2 of 5: Predict');
  await page.getByTestId('lesson-answer-falls').check();
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(page), 'Step 3 of 5: Make the change');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('lesson-do-it').click();
  // The figure that changed flashes.
  await page.waitForSelector('[data-testid=p99].changed', { timeout: 30000 });
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('lesson-right').waitFor({ timeout: 30000 });
  assert.match(page.url(), /step=4$/);
  await screenshot(page, 'lesson-presentation-1920');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), false);
  assert.equal(await page.locator('header.top').isVisible(), true);
  await page.waitForFunction((h) => Math.abs(document.querySelector('[data-testid=chart-latency]').getBoundingClientRect().height - h) < 1, normal);
  // The button does the same as the key.
  await page.getByTestId('lesson-present').click();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), true);
  await page.getByTestId('lesson-present').click();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the teacher's sheet: every lesson's question, answer and figure in both languages, ready to print", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(site.url + '#sheet');
  await page.getByTestId('sheet').waitFor();
  const n = await page.locator('.sheet-lesson').count();
  assert.ok(n >= 12, `${n} lessons`);
  const first = page.locator('.sheet-lesson').first();
  assert.match(await first.locator('[lang=en]').textContent(), /Question:.*Expected answer: It falls.*The figure that shows it: Latency p50 \(Scaling\)/s);
  assert.match(await first.locator('[lang=zh-CN]').textContent(), /问题：.*预期答案：\s*下降.*显示答案的数字：/s);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('sheet-print').isVisible(), false, 'the print button is not printed');
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 20000, `a PDF of ${pdf.length} bytes`);
  await page.emulateMedia({ media: 'screen' });
  await screenshot(page, 'teacher-sheet');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const width of [375, 1280, 1920]) {
  test(`axe-core finds nothing in a lesson at ${width} px, nor in presentation mode`, async () => {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 800 : 1080 }, bypassCSP: true });
    const { page } = await openApp(browser, site, { context, hash: '#lesson=autoscaler-lag&step=2' });
    await page.getByTestId('lesson-guide').waitFor();
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const run = async (what) => {
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
      const v = result.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      assert.deepEqual(v, [], what);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width + 1, `${what}: page is ${wide}px wide at ${width}px`);
    };
    await run('a lesson');
    await page.getByTestId('lesson-present').click();
    await page.waitForTimeout(300);
    await run('presenting');
    if (width === 375) await screenshot(page, 'lesson-presentation-375');
    await context.close();
  });
}

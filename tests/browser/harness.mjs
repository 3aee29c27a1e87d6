// Shared set-up for the browser tests: serves the built site on 127.0.0.1 under a sub-path (as GitHub Pages does),
// launches the system Chromium through playwright-core, and records every request and console error of a page.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const SITE_DIR = process.env.SITE_DIR ?? new URL('../../dist', import.meta.url).pathname;
export const PREFIX = process.env.SITE_PREFIX ?? '/';
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.csv': 'text/csv',
};

/** Starts the static server (of the built site, or of `dir`); resolves to { origin, url, close }. */
export async function serve(dir = SITE_DIR) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(PREFIX)) { res.writeHead(404); res.end('outside the site prefix'); return; }
    let rel = normalize(path.slice(PREFIX.length));
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    if (rel.startsWith('..')) { res.writeHead(403); res.end(); return; }
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch { res.writeHead(404); res.end('not found'); }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: origin + PREFIX, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the app in a fresh context; returns { page, requests, errors } after the first chart is drawn. */
export async function openApp(browser, site, { width = 1280, height = 900, scale = 1, hash = '', context: given, bypassCSP = false } = {}) {
  const context = given ?? await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, acceptDownloads: true, bypassCSP });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(site.url + hash);
  await page.getByTestId('load-chart').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=load-chart]')?.dataset.plot);
  return { page, context, requests, errors };
}

/** Where the load chart's plotting area is: { left, top, width, height, x: [x0, x1], y: [y0, y1] } in page pixels. */
export async function plotOf(page, testid = 'load-chart') {
  await page.getByTestId(testid).scrollIntoViewIfNeeded();
  return page.evaluate((id) => {
    const c = document.querySelector(`[data-testid=${id}]`);
    const r = c.getBoundingClientRect();
    const [left, top, width, height, x0, x1, y0, y1] = c.dataset.plot.split(',').map(Number);
    return { left: r.left + left, top: r.top + top, width, height, x: [x0, x1], y: [y0, y1] };
  }, testid);
}

/** Page position of data point (x, y) on a chart. */
export function toPage(plot, x, y) {
  return [plot.left + (x - plot.x[0]) / (plot.x[1] - plot.x[0]) * plot.width,
    plot.top + plot.height - (y - plot.y[0]) / (plot.y[1] - plot.y[0]) * plot.height];
}

/** The number shown in a figure, e.g. "52,500" → 52500. */
export async function figure(page, testid) {
  const text = await page.getByTestId(testid).textContent();
  const m = text.replace(/,/g, '').match(/-?[\d.]+(e-?\d+)?/);
  const scale = /\bM\b/.test(text) ? 1e6 : /\bB\b/.test(text) ? 1e9 : 1;
  return m ? Number(m[0]) * scale : NaN;
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// The dashboard in a real Chromium against a real collector: what the page shows must be
// what the query API answers. Skipped (with the reason) only when /usr/bin/chromium is missing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Collector } from '../../src/collector/server.js';
import { startCollector } from '../../src/collector/server.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { EndpointsReport } from '../../src/collector/types.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { T0 } from '../helpers/context.js';
import { dashboardHits, DECLARED_ROUTES, UNUSED_ROUTES } from '../helpers/dashboard-data.js';
import { hitAt } from '../helpers/hits.js';

const CHROMIUM = '/usr/bin/chromium';
const NOW = T0;
const HOUR = 3_600_000;
const TOKEN = 'dashboard-test-token-0123456789';
const missingBrowser = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install Chromium to run the dashboard's browser test`;

interface Row {
  method: string;
  route: string;
  cells: Record<string, { value: string; text: string }>;
}

/** The endpoints table as the page shows it (a string is evaluated: tsx's helpers never reach the page). */
const readRows = (page: Page): Promise<Row[]> => page.evaluate(`[...document.querySelectorAll('#endpoints tbody tr')].map((tr) => ({
  method: tr.dataset.method, route: tr.dataset.route,
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, { value: td.dataset.value, text: td.textContent }])),
}))`);

async function api<T>(collector: Collector, path: string, token?: string): Promise<T> {
  const response = await fetch(collector.url + path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, path);
  return (await response.json()) as T;
}

/** A browser test, skipped with the reason when there is no Chromium (counted as skipped, never passed). */
function browserIt(name: string, fn: () => Promise<void> | void): void {
  it(name, async (t) => {
    if (missingBrowser !== undefined) return t.skip(missingBrowser);
    await fn();
  });
}

describe('the dashboard in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let collector: Collector;
  let secured: Collector;
  /** A first-hour collector: 40 hits in the last 10 minutes, delivered out of order. */
  let fresh: Collector;
  /** One page on the main collector, opened once: the tests below read it, sort it, filter it, then switch its range. */
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    if (missingBrowser !== undefined) return;
    collector = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(NOW), routes: DECLARED_ROUTES });
    await collector.store.insert(dashboardHits(NOW, 1200, 20 * HOUR), NOW);
    const body = encodeGa4([hitAt(-5 * 60_000, { route: '/v1/password-reset', method: 'POST', status: 201 })], { nowMs: NOW }).requests[0]?.body;
    const ingest = await fetch(`${collector.url}/mp/collect?measurement_id=G-TEST123&api_secret=s`, { method: 'POST', body: body ?? '' });
    assert.equal(ingest.status, 204, 'the GA4 hit is stored');
    secured = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(NOW), token: TOKEN });
    await secured.store.insert([{ timeMs: NOW - 60_000, protocol: 'ga4', method: 'GET', route: '/x/<img src=x onerror="window.pwned=1">', status: 200, client: 'c1', eventName: 'page_view' }], NOW);
    fresh = await startCollector({ port: 0, memory: true, output: 'none', clock: createManualClock(NOW) });
    const recent = dashboardHits(NOW, 40, 10 * 60_000, 3);
    await fresh.store.insert(recent.filter((_, i) => i % 2 === 1), NOW);
    await fresh.store.insert(recent.filter((_, i) => i % 2 === 0), NOW);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    page = await open(collector);
  });

  after(async () => {
    await browser?.close();
    await collector?.close();
    await secured?.close();
    await fresh?.close();
  });

  async function open(target: Collector, path = '/', state = 'ok'): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => { if (/Content.Security.Policy|Refused/i.test(message.text())) problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(target.url + path);
    await page.waitForSelector(`#status[data-state="${state}"]`);
    return page;
  }

  browserIt('shows the rows, counts and totals that GET /api/endpoints answers for the default range (24 h)', async () => {
    const report = await api<EndpointsReport>(collector, '/api/endpoints?since=24h');
    assert.equal(report.endpoints.length, 11, '10 routes and the one the GA4 request brought');
    const rows = await readRows(page);
    assert.equal(rows.length, report.endpoints.length);
    for (const endpoint of report.endpoints) {
      const row = rows.find((r) => r.method === endpoint.method && r.route === endpoint.route);
      assert.ok(row, `${endpoint.method} ${endpoint.route} has a row`);
      assert.equal(row.cells.hits?.value, String(endpoint.hits));
      assert.equal(row.cells.hits?.text, endpoint.hits.toLocaleString('en-US'));
      assert.equal(row.cells.consumers?.value, String(endpoint.clients));
      assert.equal(row.cells.clientErrors?.value, String(endpoint.clientErrors));
      assert.equal(row.cells.errorRate?.value, String(endpoint.errorRate));
      assert.equal(row.cells.p95?.value, String(endpoint.p95Ms ?? ''));
      assert.equal(row.cells.lastSeen?.value, String(endpoint.lastSeenMs));
    }
    assert.deepEqual(rows.map((r) => Number(r.cells.hits?.value)), report.endpoints.map((e) => e.hits).sort((a, b) => b - a), 'most hits first');
    assert.equal(await page.textContent('[data-total="hits"]'), report.hits.toLocaleString('en-US'));
    assert.equal(await page.textContent('[data-total="consumers"]'), report.clients.toLocaleString('en-US'));
    assert.equal(await page.textContent('[data-total="declared"]'), `${report.declared - report.unused.length} / ${report.declared}`);
    assert.equal(await page.getAttribute('#endpoints tr[data-route="/internal/debug"]', 'data-declared'), 'false');
    assert.equal(await page.getAttribute('#range button[data-range="24h"]', 'aria-pressed'), 'true');
  });

  browserIt('lists the declared routes that got no hit', async () => {
    const report = await api<EndpointsReport>(collector, '/api/endpoints?since=24h');
    const shown = await page.evaluate(`[...document.querySelectorAll('#unused li')].map((li) => li.dataset.method + ' ' + li.dataset.route)`);
    const expected = UNUSED_ROUTES.map((r) => `${r.method} ${r.route}`).sort();
    assert.deepEqual([...(shown as string[])].sort(), expected);
    assert.deepEqual(report.unused.map((r) => `${r.method} ${r.route}`).sort(), expected);
    assert.equal(await page.isVisible('#unused-hint'), false);
  });

  browserIt('draws the top 8 endpoints by hits on a non-blank uPlot canvas, with a legend', async () => {
    const chart = await page.evaluate(`(() => {
      const canvas = document.querySelector('#chart canvas');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let firstSeries = 0;
      let painted = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] > 0) painted++;
        if (pixels[i] === 37 && pixels[i + 1] === 99 && pixels[i + 2] === 235) firstSeries++;
      }
      return { width: canvas.width, height: canvas.height, painted, firstSeries, series: document.querySelector('#chart').dataset.series,
        legend: [...document.querySelectorAll('#chart .u-legend .u-series .u-label')].map((label) => label.textContent) };
    })()`) as { width: number; height: number; painted: number; firstSeries: number; series: string; legend: string[] };
    assert.ok(chart.width > 300 && chart.height > 100, `canvas is ${chart.width}x${chart.height}`);
    assert.ok(chart.firstSeries > 100, `the busiest endpoint's line is drawn (${chart.firstSeries} pixels of its colour)`);
    assert.ok(chart.painted > chart.width * 5, `${chart.painted} painted pixels`);
    assert.equal(chart.series, '8');
    const report = await api<EndpointsReport>(collector, '/api/endpoints?since=24h');
    const top = report.endpoints.slice(0, 8).map((e) => `${e.method} ${e.route}`);
    assert.deepEqual(chart.legend.slice(1), top, 'legend: time, then the endpoints by hits');
  });

  browserIt('sorts by a column when its header is clicked, and says so with aria-sort', async () => {
    const hits = async (): Promise<number[]> => (await readRows(page)).map((r) => Number(r.cells.hits?.value));
    await page.click('th[data-sort="hits"] button');
    assert.equal(await page.getAttribute('th[data-sort="hits"]', 'aria-sort'), 'ascending');
    assert.deepEqual(await hits(), [...(await hits())].sort((a, b) => a - b));
    await page.click('th[data-sort="hits"] button');
    assert.equal(await page.getAttribute('th[data-sort="hits"]', 'aria-sort'), 'descending');
    assert.deepEqual(await hits(), [...(await hits())].sort((a, b) => b - a));
    await page.click('th[data-sort="route"] button');
    assert.equal(await page.getAttribute('th[data-sort="route"]', 'aria-sort'), 'ascending');
    assert.equal(await page.getAttribute('th[data-sort="hits"]', 'aria-sort'), 'none');
    const routes = (await readRows(page)).map((r) => r.route);
    assert.deepEqual(routes, [...routes].sort((a, b) => a.localeCompare(b, 'en-US')));
  });

  browserIt('filters the table by text', async () => {
    await page.fill('#filter', 'ORDERS');
    const rows = await readRows(page);
    assert.deepEqual(rows.map((r) => `${r.method} ${r.route}`).sort(), ['GET /v1/orders', 'POST /v1/orders']);
    await page.fill('#filter', 'no-such-route');
    assert.equal((await readRows(page)).length, 0);
    assert.match(await page.textContent('#endpoints-empty') ?? '', /No endpoint matches/);
    await page.fill('#filter', '');
    assert.equal((await readRows(page)).length, 11);
  });

  browserIt('switches the range: 15 min shows what /api/endpoints?since=15m answers, and the choice is kept in the URL', async () => {
    await page.click('#range button[data-range="15m"]');
    const report = await api<EndpointsReport>(collector, '/api/endpoints?since=15m');
    // A selector, not waitForFunction: a string predicate is eval'd in the page, which the CSP forbids.
    await page.waitForSelector(`[data-total="hits"]:text-is("${report.hits.toLocaleString('en-US')}")`);
    const rows = await readRows(page);
    assert.deepEqual(rows.map((r) => `${r.method} ${r.route} ${r.cells.hits?.value}`).sort(), report.endpoints.map((e) => `${e.method} ${e.route} ${e.hits}`).sort());
    assert.ok(report.hits < (await api<EndpointsReport>(collector, '/api/endpoints?since=24h')).hits);
    assert.match(page.url(), /\?range=15m$/);
  });

  browserIt('refreshes every 5 s while live and visible, and not while the tab is hidden', async () => {
    const clocked = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await clocked.newPage();
    await page.clock.install();
    await page.addInitScript(`{ const real = window.fetch; window.fetchCount = 0; window.fetch = (...args) => { window.fetchCount++; return real(...args); }; }`);
    await page.goto(`${collector.url}/?range=all`);
    await page.waitForSelector('#status[data-state="ok"]');
    const total = Number((await page.textContent('[data-total="hits"]'))?.replace(/,/g, ''));
    await collector.store.insert([{ timeMs: NOW - 1000, protocol: 'ga4', method: 'GET', route: '/v1/live', client: 'live', eventName: 'page_view' }], NOW);
    await page.clock.runFor(5000);
    await page.waitForSelector('#endpoints tr[data-route="/v1/live"]');
    assert.equal(await page.textContent('[data-total="hits"]'), (total + 1).toLocaleString('en-US'));
    await page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })`);
    const before = await page.evaluate('window.fetchCount');
    await page.clock.runFor(15_000);
    assert.equal(await page.evaluate('window.fetchCount'), before, 'no request while hidden');
    await page.uncheck('#live');
    await page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => false })`);
    await page.clock.runFor(15_000);
    assert.equal(await page.evaluate('window.fetchCount'), before, 'no request with live refresh off');
    await clocked.close();
  });

  browserIt('on a collector with a token: without it, says how to open the dashboard; with #token= it shows the data and hides the token', async () => {
    const refused = await open(secured, '/', 'unauthorized');
    const message = await refused.textContent('#status') ?? '';
    assert.match(message, /needs a token/);
    assert.ok(message.includes(`${secured.url}/#token=`), message);
    assert.equal((await readRows(refused)).length, 0);

    const allowed = await open(secured, `/#token=${TOKEN}`);
    const rows = await readRows(allowed);
    assert.equal(rows.length, 1);
    assert.equal(allowed.url(), `${secured.url}/`, 'the token left the address bar');
    assert.equal(await allowed.evaluate(`sessionStorage.getItem('footfall.token')`), TOKEN);
    assert.equal(await allowed.textContent('#endpoints tbody code'), '/x/<img src=x onerror="window.pwned=1">', 'the route is text');
    assert.equal(await allowed.evaluate(`document.querySelectorAll('main img').length + (window.pwned ?? 0)`), 0, 'and never markup');
    await allowed.reload();
    await allowed.waitForSelector('#status[data-state="ok"]');
    assert.equal((await readRows(allowed)).length, 1, 'the token survives a reload in sessionStorage');
  });

  browserIt('with no range chosen, picks the smallest range that holds every hit (15 min for a first-hour collector), with 1 min buckets', async () => {
    const first = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    try {
      const fresher = await first.newPage();
      fresher.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await fresher.goto(`${fresh.url}/`);
      await fresher.waitForSelector('#status[data-state="ok"]');
      assert.equal(await fresher.getAttribute('#range button[data-range="15m"]', 'aria-pressed'), 'true');
      assert.equal(await fresher.getAttribute('#range button[data-range="24h"]', 'aria-pressed'), 'false');
      assert.match(await fresher.textContent('#chart-note') ?? '', /1 min buckets · range fitted to the data/);
      const report = await api<EndpointsReport>(fresh, '/api/endpoints?since=15m');
      assert.equal(report.hits, 40);
      assert.equal(await fresher.textContent('[data-total="hits"]'), '40');
      // A range picked by hand is kept, and the fitting stops.
      await fresher.click('#range button[data-range="7d"]');
      await fresher.waitForSelector('#chart-note:text-matches("6 h buckets")');
      assert.doesNotMatch(await fresher.textContent('#chart-note') ?? '', /fitted/);
    } finally {
      await first.close();
    }
  });

  browserIt('recent hits are in time order, newest first, and name consumers by a short stable alias (the client id on hover)', async () => {
    const first = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    try {
      const fresher = await first.newPage();
      await fresher.goto(`${fresh.url}/`);
      await fresher.waitForSelector('#status[data-state="ok"]');
      const rows = await fresher.evaluate(`[...document.querySelectorAll('#hits tbody tr')].map((tr) => ({ time: Number(tr.dataset.time), consumer: tr.querySelector('td.client').textContent, title: tr.querySelector('td.client').title }))`) as { time: number; consumer: string; title: string }[];
      assert.equal(rows.length, 40);
      assert.deepEqual(rows.map((r) => r.time), rows.map((r) => r.time).sort((a, b) => b - a), 'never backwards');
      const { hits } = await api<{ hits: { timeMs: number; client: string; clientAlias: string }[] }>(fresh, '/api/hits?limit=50');
      assert.deepEqual(rows.map((r) => r.consumer), hits.map((h) => h.clientAlias));
      assert.deepEqual(rows.map((r) => r.title), hits.map((h) => h.client));
      for (const row of rows) assert.match(row.consumer, /^consumer-[0-9a-z]{4}$/);
    } finally {
      await first.close();
    }
  });

  browserIt('calls the 5xx share "5xx rate", next to the "4xx" column', async () => {
    assert.equal((await page.textContent('th[data-sort="errorRate"]'))?.trim(), '5xx rate');
    assert.equal((await page.textContent('th[data-sort="clientErrors"]'))?.trim(), '4xx');
  });

  browserIt('after retention pruned raw hits, says from when raw detail exists and that older figures come from hourly rollups; says nothing while all is kept', async () => {
    assert.equal(await page.isVisible('#retention'), false, 'the main collector keeps every hit');
    const dir = mkdtempSync(join(tmpdir(), 'footfall-dashboard-retention-'));
    const file = join(dir, 'pruned.db');
    const seed = createSqliteStore({ file });
    seed.insert(dashboardHits(NOW, 600, 10 * 24 * HOUR, 7), NOW);
    seed.close();
    const pruned = await startCollector({ port: 0, dbFile: file, output: 'none', clock: createManualClock(NOW), retainDays: 3 });
    try {
      await pruned.retention?.pruneNow();
      const status = await api<{ rawSinceMs: number | null }>(pruned, '/api/status');
      assert.equal(status.rawSinceMs, Math.floor((NOW - 3 * 24 * HOUR) / HOUR) * HOUR);
      const shown = await open(pruned, '/?range=30d');
      assert.equal(await shown.isVisible('#retention'), true);
      assert.equal(await shown.getAttribute('#retention', 'data-raw-since'), String(status.rawSinceMs));
      assert.match(await shown.textContent('#retention') ?? '', /^Raw detail since .+; older figures from hourly rollups \(raw hits kept 3 days\)/);
      const report = await api<EndpointsReport>(pruned, '/api/endpoints?since=30d');
      assert.equal(await shown.textContent('[data-total="hits"]'), report.hits.toLocaleString('en-US'));
      assert.equal(report.hits, 600, 'every hit is counted, the pruned ones from the rollups');
    } finally {
      await pruned.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  browserIt('runs under the Content-Security-Policy (uPlot included) with no violation and no script error, on every page the tests opened', async () => {
    await page.waitForSelector('#chart canvas');
    assert.deepEqual(problems, []);
  });
});

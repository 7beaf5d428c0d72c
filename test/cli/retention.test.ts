// `footfall collector --retain-days` and what `footfall report` says once raw hits were pruned.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { EndpointsReport, IncomingHit } from '../../src/collector/types.js';
import { cli } from '../helpers/cli.js';
import { waitFor } from '../helpers/tracker.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-retention-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('footfall collector --retain-days', () => {
  it('refuses anything but a whole number of days from 1 to 36500 (usage error, exit 2)', async () => {
    for (const value of ['0', '-1', '1.5', 'abc', '36501', '']) {
      const { code, stderr } = await cli('collector', '--memory', '--port', '0', '--retain-days', value);
      assert.equal(code, 2, `--retain-days ${JSON.stringify(value)}`);
      assert.match(stderr, /--retain-days <n>.*expected a whole number of days from 1 to 36500/, value);
    }
  });

  it('runs with it: the banner says how long raw hits are kept and /api/status has it', async () => {
    let stdout = '';
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runCli(['collector', '--port', '0', '--db', join(dir, 'kept.db'), '--retain-days', '7'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: {}, untilStopped: () => stopped });
    try {
      await waitFor(() => /listening on (http:\/\/\S+)/.test(stdout), 'the banner');
      assert.match(stdout, /storage {5}\S+kept\.db, raw hits kept 7 days \(rollups kept\)/);
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
      const status = (await (await fetch(`${url}/api/status`)).json()) as Record<string, unknown>;
      assert.equal(status.retainDays, 7);
      assert.equal(status.rawSinceMs, null, 'an empty store: nothing was pruned, raw detail is whole');
    } finally {
      stop();
    }
    assert.equal(await running, 0);
  });
});

describe('footfall report after retention', () => {
  const db = join(dir, 'pruned.db');
  const nowMs = Date.now();
  const hits: IncomingHit[] = Array.from({ length: 10 * 24 }, (_, i) => ({ timeMs: nowMs - i * HOUR - 1000, protocol: 'ga4', method: 'GET', route: '/v1/items', client: `c${i % 5}`, status: 200, eventName: 'page_view' }));
  const store = createSqliteStore({ file: db });
  store.insert(hits, nowMs);
  while (!store.pruneRawHits(nowMs - 3 * DAY, 50).done);
  const rawSinceMs = store.rawSinceMs() ?? Number.NaN;
  store.close();
  const iso = (ms: number) => new Date(ms).toISOString();

  it('JSON: rawDetail says from when raw hits exist, and that a range starting inside an hour before it is partial', async () => {
    assert.equal(rawSinceMs, Math.floor((nowMs - 3 * DAY) / HOUR) * HOUR);
    const onHours = await cli('report', '--db', db, '--format', 'json', '--since', iso(Math.floor((nowMs - 9 * DAY) / HOUR) * HOUR));
    assert.equal(onHours.code, 0, onHours.stderr);
    const whole = JSON.parse(onHours.stdout) as EndpointsReport;
    assert.deepEqual(whole.rawDetail, { sinceMs: rawSinceMs, partial: false });
    assert.equal(whole.hits, hits.filter((h) => h.timeMs >= Math.floor((nowMs - 9 * DAY) / HOUR) * HOUR).length, 'all the hits, old ones from the rollups');
    const cut = await cli('report', '--db', db, '--format', 'json', '--since', iso(Math.floor((nowMs - 9 * DAY) / HOUR) * HOUR + 1));
    assert.deepEqual((JSON.parse(cut.stdout) as EndpointsReport).rawDetail, { sinceMs: rawSinceMs, partial: true });
  });

  it('table and markdown: a line says raw detail since when, and that older figures come from hourly rollups', async () => {
    const since = iso(Math.floor((nowMs - 9 * DAY) / HOUR) * HOUR);
    const stamp = `${iso(rawSinceMs).slice(0, 16).replace('T', ' ')} UTC`;
    const table = await cli('report', '--db', db, '--since', since);
    assert.ok(table.stdout.includes(`Raw detail since ${stamp}; older figures from hourly rollups.`), table.stdout);
    const markdown = await cli('report', '--db', db, '--since', since, '--format', 'markdown');
    assert.match(markdown.stdout, /_Raw detail since .+ UTC; older figures from hourly rollups\\._/);
    const partial = await cli('report', '--db', db, '--since', '9d');
    assert.match(partial.stdout, /Raw detail since .+; older figures from hourly rollups \(partial: this range starts or ends inside an hour before then/);
  });

  it('says nothing of it while every raw hit is kept', async () => {
    const kept = join(dir, 'kept-all.db');
    const whole = createSqliteStore({ file: kept });
    whole.insert(hits.slice(0, 5), nowMs);
    whole.close();
    const table = await cli('report', '--db', kept);
    assert.doesNotMatch(table.stdout, /Raw detail/);
    assert.equal((JSON.parse((await cli('report', '--db', kept, '--format', 'json')).stdout) as EndpointsReport).rawDetail, undefined);
  });
});

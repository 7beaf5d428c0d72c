import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expectedRoutes } from '../../src/collector/expected-routes.js';
import { openStore } from '../../src/collector/store/open-store.js';
import { startCollector } from '../../src/collector/server.js';
import { cliWith } from '../helpers/cli.js';
import { dropSchema, PG_URL, testSchema } from '../helpers/postgres.js';
import { startSink } from '../helpers/sink.js';
import { clf, combinedSample, ROUTES, type Sample } from './log-samples.js';

const env = { FOOTFALL_HASH_KEY: 'import-send-key-0123456789' };
const dir = mkdtempSync(join(tmpdir(), 'footfall-import-send-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const routes = join(dir, 'routes.json');
writeFileSync(routes, JSON.stringify(ROUTES));

const hitsOf = (sample: Sample) => [...sample.expected.values()].reduce((sum, e) => sum + e.hits, 0);
const countsOf = (sample: Sample) => new Map([...sample.expected].map(([key, e]) => [key, { hits: e.hits, clients: e.consumers.size }]));

function writeLog(name: string, sample: Sample): string {
  const file = join(dir, name);
  writeFileSync(file, `${sample.lines.join('\n')}\n`);
  return file;
}

describe('footfall import --to a collector over HTTP', () => {
  it('sends last month\'s lines with their own times; the collector stores each once, however often imported', async () => {
    const sample = combinedSample({ lines: 1200, seed: 4, dayMs: Date.now() - 30 * 86_400_000 });
    const file = writeLog('to-collector.log', sample);
    const collector = await startCollector({ port: 0, dbFile: join(dir, 'collector.db'), output: 'none', routes: ROUTES });
    try {
      const first = await cliWith({ env }, 'import', file, '--routes', routes, '--to', collector.url, '--state', join(dir, 'to-collector-state.json'), '--json');
      assert.equal(first.code, 0, first.stderr);
      assert.equal((JSON.parse(first.stdout) as { imported: number }).imported, hitsOf(sample));
      const again = await cliWith({ env }, 'import', file, '--routes', routes, '--to', collector.url, '--state', join(dir, 'to-collector-state.json'), '--quiet');
      assert.equal(again.code, 0, again.stderr);
      const answer = await fetch(`${collector.url}/api/endpoints?since=${Date.now() - 40 * 86_400_000}`);
      const report = (await answer.json()) as { endpoints: { method: string; route: string; hits: number; clients: number; firstSeenMs: number }[]; hits: number };
      assert.deepEqual(new Map(report.endpoints.map((e) => [`${e.method} ${e.route}`, { hits: e.hits, clients: e.clients }])), countsOf(sample));
      const firstSeen = Math.min(...report.endpoints.map((e) => e.firstSeenMs));
      assert.ok(firstSeen < Date.now() - 29 * 86_400_000, 'the hits kept their own time (not moved to 72 hours ago)');
    } finally {
      await collector.close();
    }
  });
});

describe('footfall import --to a collector that refuses', () => {
  it('stops at the batch that failed, counts it by reason, and --resume sends it once the cause is fixed', async () => {
    const sample = combinedSample({ lines: 700, seed: 6, dayMs: Date.now() - 5 * 86_400_000 });
    const file = writeLog('refused.log', sample);
    const state = join(dir, 'refused-state.json');
    const collector = await startCollector({ port: 0, dbFile: join(dir, 'refusing.db'), output: 'none', apiSecret: 'the-right-secret' });
    try {
      const refused = await cliWith({ env }, 'import', file, '--routes', routes, '--to', collector.url, '--api-secret', 'a-wrong-secret', '--state', state, '--json');
      assert.equal(refused.code, 1);
      const summary = JSON.parse(refused.stdout) as { imported: number; failed: Record<string, number>; failedBatch?: { fromLine: number } };
      assert.equal(summary.imported, 0);
      assert.ok((summary.failed.http_4xx ?? 0) > 0, JSON.stringify(summary.failed));
      assert.equal(summary.failedBatch?.fromLine, 1);
      const resumed = await cliWith({ env }, 'import', file, '--routes', routes, '--to', collector.url, '--api-secret', 'the-right-secret', '--state', state, '--resume', '--json');
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal((JSON.parse(resumed.stdout) as { imported: number }).imported, hitsOf(sample));
      const report = (await (await fetch(`${collector.url}/api/endpoints?since=${Date.now() - 10 * 86_400_000}`)).json()) as { hits: number };
      assert.equal(report.hits, hitsOf(sample));
    } finally {
      await collector.close();
    }
  });
});

describe('footfall import --to ga4', () => {
  it('sends only the last 72 hours, with their original timestamps, and counts the rest as skipped', async () => {
    const nowMs = Date.now();
    const fresh = [0, 1, 2, 3, 4].map((i) => nowMs - (i + 1) * 3_600_000);
    const old = [5, 6, 7].map((i) => nowMs - i * 86_400_000);
    const lines = [...old, ...fresh].map((timeMs, i) => `203.0.113.${i + 1} - - [${clf(timeMs)}] "GET /v1/users/${i}?secret=${i} HTTP/1.1" 200 12 "-" "curl/8"`);
    const file = join(dir, 'ga4.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const sink = await startSink();
    try {
      const out = await cliWith({ env }, 'import', file, '--routes', routes, '--to', 'ga4', '--measurement-id', 'G-IMPORT123', '--api-secret', 'not-shown-secret', '--ga4-endpoint', `${sink.url}/mp/collect`, '--state', join(dir, 'ga4-state.json'), '--json');
      assert.equal(out.code, 0, out.stderr);
      const summary = JSON.parse(out.stdout) as { imported: number; skipped: Record<string, number> };
      assert.equal(summary.imported, fresh.length);
      assert.equal(summary.skipped.older_than_72h, old.length);
      assert.doesNotMatch(out.stdout + out.stderr, /not-shown-secret/);
      const events = sink.received.flatMap((r) => (JSON.parse(r.body) as { events: { timestamp_micros: number; params: Record<string, unknown> }[] }).events);
      assert.deepEqual(events.map((e) => Math.floor(e.timestamp_micros / 1_000_000)).sort(), fresh.map((ms) => Math.floor(ms / 1000)).sort());
      assert.ok(events.every((e) => e.params.api_route === '/v1/users/:id'));
      assert.doesNotMatch(sink.received.map((r) => r.body).join(''), /203\.0\.113|secret=\d/);
    } finally {
      await sink.close();
    }
  });
});

describe('footfall import --db postgres://', () => {
  it('stores into a PostgreSQL schema: the same counts, and nothing the second time', async () => {
    const schema = testSchema();
    const sample = combinedSample({ lines: 800, seed: 5 });
    const file = writeLog('pg.log', sample);
    // Trust auth ignores the password: it is there to be kept out of what is printed.
    const url = PG_URL.replace('postgres://postgres@', 'postgres://postgres:hunter2secret@');
    try {
      const first = await cliWith({ env }, 'import', file, '--routes', routes, '--db', url, '--db-schema', schema, '--state', join(dir, 'pg-state.json'), '--json');
      assert.equal(first.code, 0, first.stderr);
      assert.doesNotMatch(first.stdout + first.stderr, /hunter2secret/, 'no password in the summary');
      const again = await cliWith({ env }, 'import', file, '--routes', routes, '--db', PG_URL, '--db-schema', schema, '--state', join(dir, 'pg-state.json'), '--json');
      assert.equal((JSON.parse(again.stdout) as { imported: number; duplicates: number }).imported, 0);
      const store = await openStore({ db: PG_URL, schema });
      try {
        // As the report asks: the stored inventory, health checks left out.
        const report = await store.endpoints({}, expectedRoutes(await store.routes(), false));
        assert.deepEqual(new Map(report.endpoints.map((e) => [`${e.method} ${e.route}`, { hits: e.hits, clients: e.clients }])), countsOf(sample));
        assert.deepEqual(report.unused.map((u) => `${u.method} ${u.route}`).sort(), [...sample.unused].sort());
      } finally {
        await store.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });
});

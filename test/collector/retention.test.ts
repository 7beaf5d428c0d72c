// Retention in a running collector: the background prune on the injected clock, ingestion
// between its chunks, /api/status and the reports saying from when raw detail exists.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isFootfallError } from '../../src/errors.js';
import { startCollector } from '../../src/collector/server.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { AsyncStore, Store } from '../../src/collector/store/store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { PG_URL, dropSchema, testSchema } from '../helpers/postgres.js';
import type { EndpointsReport, IncomingHit } from '../../src/collector/types.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { T0 } from '../helpers/context.js';
import { hitAt } from '../helpers/hits.js';
import { waitFor } from '../helpers/tracker.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The collector's clock at start: 25 minutes past an hour. */
const NOW = T0 + 25 * MINUTE;
const RAW_SINCE = T0 - 3 * DAY;

const dir = mkdtempSync(join(tmpdir(), 'footfall-retention-collector-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A page view every 7 minutes over the ten days before NOW, from 12 consumers. */
function tenDays(): IncomingHit[] {
  const hits: IncomingHit[] = [];
  for (let t = NOW - 10 * DAY + 1000, i = 0; t < NOW; t += 7 * MINUTE, i++) {
    hits.push({ timeMs: t, protocol: 'ga4', method: i % 3 === 0 ? 'POST' : 'GET', route: '/v1/things', client: `c${i % 12}`, status: 200, durationMs: 5 + (i % 40), eventName: 'page_view' });
  }
  return hits;
}

const schemas: string[] = [];
after(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

/** Opens the same store again each call: a SQLite file, or a PostgreSQL schema of the test's own. */
function storeOpener(kind: 'sqlite' | 'postgres'): () => Promise<AsyncStore> {
  if (kind === 'sqlite') {
    const file = join(dir, `background-${schemas.length}-${Date.now()}.db`);
    return () => Promise.resolve(asAsyncStore(createSqliteStore({ file })));
  }
  const schema = testSchema();
  schemas.push(schema);
  return () => createPostgresStore({ url: PG_URL, schema });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return (await response.json()) as T;
}

describe('collector retention (retainDays)', () => {
  for (const kind of ['sqlite', 'postgres'] as const) it(`prunes at start and then every pruneEveryMs on the collector's clock; the counts from rollups stay; /api/status and /api/endpoints say from when raw detail exists (${kind})`, async () => {
    const open = storeOpener(kind);
    const hits = tenDays();
    const seed = await open();
    await seed.insert(hits, NOW);
    const before = await seed.endpoints({ sinceMs: NOW - 10 * DAY - HOUR + 35 * MINUTE, untilMs: T0 });
    await seed.close();
    const clock = createManualClock(NOW);
    const collector = await startCollector({ port: 0, store: await open(), output: 'none', clock, retainDays: 3 });
    try {
      assert.ok(collector.retention !== undefined);
      await collector.retention.pruneNow(); // joins the prune made at start
      assert.equal(await collector.store.rawSinceMs(), RAW_SINCE);
      assert.equal(await collector.store.count(), hits.filter((h) => h.timeMs >= RAW_SINCE).length);
      const whole = { sinceMs: NOW - 10 * DAY - HOUR + 35 * MINUTE, untilMs: T0 };
      const after = await collector.store.endpoints(whole);
      assert.deepEqual({ ...after, rawDetail: undefined }, { ...before, rawDetail: undefined }, 'ten days on whole hours: the same answer');
      assert.deepEqual(after.rawDetail, { sinceMs: RAW_SINCE, partial: false });

      // The next prune waits for the clock: nothing moves until an hour has passed.
      await waitFor(() => clock.pending === 1, 'the next prune to be scheduled');
      const inNextHour = hits.filter((h) => h.timeMs >= RAW_SINCE && h.timeMs < RAW_SINCE + HOUR).length;
      assert.ok(inNextHour > 0);
      const counted = await collector.store.count();
      clock.advance(HOUR - 1);
      assert.equal(await collector.store.count(), counted, 'not yet');
      clock.advance(1);
      await collector.retention.pruneNow();
      assert.equal(await collector.store.rawSinceMs(), RAW_SINCE + HOUR);
      assert.equal(await collector.store.count(), counted - inNextHour);

      const status = await getJson<Record<string, unknown>>(`${collector.url}/api/status`);
      assert.equal(status.retainDays, 3);
      assert.equal(status.rawSinceMs, RAW_SINCE + HOUR);
      assert.equal(status.prunedHits, hits.length - await collector.store.count());
      assert.equal(status.lastPruneMs, NOW + HOUR);
      assert.equal(status.hits, await collector.store.count());
      assert.equal(status.firstHitMs, hits[0]?.timeMs, 'the first hit is known from the rollups after its raw row went');

      const partial = await getJson<EndpointsReport>(`${collector.url}/api/endpoints?since=${T0 - 5 * DAY + 10 * MINUTE}`);
      assert.deepEqual(partial.rawDetail, { sinceMs: RAW_SINCE + HOUR, partial: true });
      const series = await getJson<{ rawDetail?: unknown }>(`${collector.url}/api/timeseries?since=${T0 - 5 * DAY}&bucket=1h`);
      assert.deepEqual(series.rawDetail, { sinceMs: RAW_SINCE + HOUR, partial: false });
      const fine = await getJson<{ rawDetail?: unknown }>(`${collector.url}/api/timeseries?since=${T0 - 5 * DAY}&bucket=5m`);
      assert.deepEqual(fine.rawDetail, { sinceMs: RAW_SINCE + HOUR, partial: true }, '5-minute buckets before the cut have no raw hits');
    } finally {
      await collector.close();
    }
  });

  it('stores hits that arrive while a large prune runs: they go in between its chunks', async () => {
    const inner = createSqliteStore({ file: join(dir, 'interleaved.db') });
    const log: string[] = [];
    const store: Store = {
      ...inner,
      insert: (hits, receivedMs) => {
        const result = inner.insert(hits, receivedMs);
        log.push('insert');
        return result;
      },
      pruneRawHits: (beforeMs, maxRows) => {
        const result = inner.pruneRawHits(beforeMs, maxRows);
        log.push(result.done ? 'done' : 'chunk');
        return result;
      },
    };
    const clock = createManualClock(NOW);
    const collector = await startCollector({ port: 0, store, output: 'none', clock, retainDays: 1, pruneEveryMs: MINUTE });
    try {
      assert.ok(collector.retention !== undefined);
      await collector.retention.pruneNow();
      const old = 100_000;
      for (let i = 0; i < old; i += 10_000) {
        inner.insert(Array.from({ length: 10_000 }, (_, j): IncomingHit => ({ timeMs: NOW - 2 * DAY + (i + j) * 500, protocol: 'ga4', method: 'GET', route: '/v1/old', client: `c${j % 50}`, eventName: 'page_view' })), NOW);
      }
      let sent = 0;
      const send = async (): Promise<void> => {
        const [request] = encodeGa4([hitAt(0, { timestampMs: clock.now() })], { nowMs: clock.now() }).requests;
        assert.ok(request);
        const response = await fetch(`${collector.url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request.body });
        assert.equal(response.status, 204);
        sent++;
      };
      await send(); // a warm connection
      await waitFor(() => clock.pending === 1, 'the next prune to be scheduled');
      log.length = 0;
      clock.advance(MINUTE); // starts the prune: its first chunk runs now, the others after I/O
      while (!log.includes('done')) await send();
      const firstInsert = log.indexOf('insert');
      assert.ok(firstInsert > 0 && firstInsert < log.indexOf('done'), `an insert between two chunks: ${log.join(' ')}`);
      assert.ok(log.filter((entry) => entry === 'chunk').length >= old / 5000, `chunks of at most 5000 rows: ${log.join(' ')}`);
      assert.equal(await collector.store.count(), sent, 'every hit sent is stored; every old one is gone');
      assert.equal(collector.retention.stats().prunedHits, old);
    } finally {
      await collector.close();
    }
  });

  it('closing during a prune stops it after the chunk in progress and closes the store cleanly', async () => {
    const file = join(dir, 'close-during.db');
    const seed = createSqliteStore({ file });
    seed.insert(Array.from({ length: 30_000 }, (_, i): IncomingHit => ({ timeMs: NOW - 5 * DAY + i, protocol: 'ga4', method: 'GET', route: '/v1/old', client: 'c', eventName: 'page_view' })), NOW);
    seed.close();
    const collector = await startCollector({ port: 0, dbFile: file, output: 'none', clock: createManualClock(NOW), retainDays: 1 });
    await collector.close();
    const reopened = createSqliteStore({ file });
    try {
      const left = reopened.count();
      assert.ok(left < 30_000 && left > 0, `the first chunk went, the rest stayed for next time: ${left} left`);
      assert.equal(reopened.endpoints({}).hits, 30_000, 'the rollups have them all');
    } finally {
      reopened.close();
    }
  });

  it('refuses a retainDays or pruneEveryMs that is not a whole number in range, before anything opens', async () => {
    for (const [options, name] of [
      [{ retainDays: 0 }, 'retainDays'], [{ retainDays: 1.5 }, 'retainDays'], [{ retainDays: '7' }, 'retainDays'], [{ retainDays: 36_501 }, 'retainDays'],
      [{ retainDays: 1, pruneEveryMs: 999 }, 'pruneEveryMs'], [{ retainDays: 1, pruneEveryMs: DAY + 1 }, 'pruneEveryMs'],
    ] as const) {
      await assert.rejects(startCollector({ port: 0, dbFile: join(dir, 'never.db'), ...(options as object) }), (error: unknown) => {
        assert.ok(isFootfallError(error), String(error));
        assert.equal(error.code, 'FOOTFALL_ERR_INVALID_OPTION');
        assert.match(error.message, new RegExp(name));
        return true;
      }, JSON.stringify(options));
    }
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      assert.equal(collector.retention, undefined, 'without retainDays every raw hit is kept');
      const status = await getJson<Record<string, unknown>>(`${collector.url}/api/status`);
      assert.deepEqual([status.retainDays, status.rawSinceMs, status.prunedHits], [null, null, 0]);
    } finally {
      await collector.close();
    }
  });
});

// Folding with several collectors on one schema: two stores (two pools) write concurrently,
// with hits late by up to four days while the days around the fold mark are being folded.
// Whatever the interleaving, every answer must equal the brute-force model and a SQLite store
// fed the same hits, and the day-grain tables must be exactly the hourly rollups
// summed (a write missed by a fold, or a day folded twice, breaks one or the other).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { AsyncStore } from '../../src/collector/store/store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit, TimeRange } from '../../src/collector/types.js';
import { createRandom as random } from '../../src/collector/random.js';
import pg from 'pg';
import { PG_URL, adminQuery, dropSchema, testSchema } from '../helpers/postgres.js';
import { expectedEndpoints } from '../helpers/store-oracle.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const DAYS = 12;
const BATCHES = 360;
const WRITERS_PER_STORE = 8;
const LAG_MS = 6 * HOUR;

/**
 * Batches arriving over DAYS days at two collectors, each hit up to four days old (around the fold mark, which
 * trails the clock by two days). Clients come from a large pool, so most (endpoint, client, day)
 * have one hit and a hit missing from a fold changes a client count; durations grow with the
 * day, so a day counted twice moves the percentiles of ranges that span it.
 */
function generate(seed: number): { hits: IncomingHit[]; receivedMs: number }[] {
  const next = random(seed);
  return Array.from({ length: BATCHES }, (_, b) => {
    // Odd batches go to the second collector, whose clock is LAG_MS behind: while one collector
    // folds a day, the other is still writing hits for it without folding.
    const receivedMs = D0 + 4 * DAY + Math.floor((b / BATCHES) * (DAYS - 4) * DAY) - (b % 2) * LAG_MS;
    const hits = Array.from({ length: 10 + Math.floor(next() * 50) }, (): IncomingHit => {
      const timeMs = receivedMs - Math.floor(next() * 4 * DAY);
      const day = Math.floor((timeMs - D0) / DAY);
      return {
        timeMs,
        protocol: 'ga4',
        method: 'GET',
        route: `/r${Math.floor(next() * 4)}`,
        client: `c${Math.floor(next() * 4000)}`,
        eventName: 'page_view',
        status: next() < 0.1 ? 500 : 200,
        durationMs: Math.round((5 + next() * 10) * 1.6 ** (day % 7) * 10) / 10,
      };
    });
    return { hits, receivedMs };
  });
}

/** Whole days, days cut inside, blocks of several days and open ends, around every fold. */
function ranges(): TimeRange[] {
  const found: TimeRange[] = [{}, { sinceMs: D0 + 3 * DAY + 5 * HOUR + 17 }, { untilMs: D0 + 7 * DAY + 30 * 60_000 }];
  for (let d = 0; d < DAYS; d++) {
    for (const length of [1, 2, 3, 5]) found.push({ sinceMs: D0 + d * DAY, untilMs: D0 + (d + length) * DAY });
    found.push({ sinceMs: D0 + d * DAY + 7 * HOUR + 123, untilMs: D0 + (d + 2) * DAY + 3 * HOUR + 59_000 });
  }
  return found;
}

/** Rows where the day-grain tables differ from the hourly rollups summed (empty when they agree). */
async function foldMismatches(schema: string, foldedBeforeDay: number): Promise<unknown[]> {
  const end = foldedBeforeDay * 24;
  const durations = await adminQuery(`
    WITH h AS (SELECT floor(hour / 24.0)::int AS day, endpoint_id, bucket, sum(count)::bigint AS n FROM ${schema}.hourly_durations_all WHERE hour < $1 GROUP BY 1, 2, 3)
    SELECT 'durations' AS what, * FROM (SELECT * FROM h EXCEPT SELECT day, endpoint_id, bucket, count FROM ${schema}.daily_durations
      UNION ALL SELECT day, endpoint_id, bucket, count FROM ${schema}.daily_durations EXCEPT SELECT * FROM h) AS x`, [end]);
  const clients = await adminQuery(`
    WITH h AS (SELECT floor(day / 32.0)::int AS block, endpoint_id, client_id, bit_or(1::bigint << (day - 32 * floor(day / 32.0)::int)) AS days
      FROM (SELECT DISTINCT floor(hour / 24.0)::int AS day, endpoint_id, client_id FROM ${schema}.hourly_clients_all WHERE hour < $1) AS d GROUP BY 1, 2, 3)
    SELECT 'clients' AS what, * FROM (SELECT * FROM h EXCEPT SELECT block, endpoint_id, client_id, days FROM ${schema}.client_days
      UNION ALL SELECT block, endpoint_id, client_id, days FROM ${schema}.client_days EXCEPT SELECT * FROM h) AS x`, [end]);
  // The days not folded: their (day, endpoint, client) presence, exactly; none of the folded days.
  // Rollups are read through the *_all views: the pending rows not merged yet count (pg-fold.ts).
  const recent = await adminQuery(`
    WITH h AS (SELECT DISTINCT floor(hour / 24.0)::int AS day, endpoint_id, client_id FROM ${schema}.hourly_clients_all WHERE hour >= $1),
      recent AS (SELECT day, endpoint_id, client_id FROM ${schema}.day_clients_all WHERE day * 24 >= $1)
    SELECT 'day_clients' AS what, * FROM (SELECT * FROM h EXCEPT SELECT * FROM recent
      UNION ALL SELECT * FROM recent EXCEPT SELECT * FROM h) AS x`, [end]);
  return [...durations.rows, ...clients.rows, ...recent.rows];
}

describe('PostgreSQL store: folding with two collectors writing one schema at once', () => {
  const schema = testSchema();
  const batches = generate(7);
  const hits = batches.flatMap((batch) => batch.hits);
  let stores: AsyncStore[] = [];
  let sqlite: AsyncStore;

  before(async () => {
    stores = [await createPostgresStore({ url: PG_URL, schema, maxConnections: WRITERS_PER_STORE }), await createPostgresStore({ url: PG_URL, schema, maxConnections: WRITERS_PER_STORE })];
    sqlite = asAsyncStore(createSqliteStore({ file: ':memory:' }));
    // Each collector's writers take its next batch in arrival order: its clock moves forward, commits interleave.
    // The last batch comes alone: a write may leave its fold to a later one, and this is the latest.
    await Promise.all(stores.flatMap((store, s) => {
      const own = batches.slice(0, -1).filter((_, b) => b % 2 === s);
      let at = 0;
      return Array.from({ length: WRITERS_PER_STORE }, async () => {
        for (let batch = own[at++]; batch !== undefined; batch = own[at++]) await store.insert(batch.hits, batch.receivedMs);
      });
    }));
    const latest = Math.max(...batches.map((batch) => batch.receivedMs));
    await (stores[0] as AsyncStore).insert((batches.at(-1) as { hits: IncomingHit[] }).hits, latest);
    for (const [b, batch] of batches.entries()) await sqlite.insert(batch.hits, b === batches.length - 1 ? latest : batch.receivedMs);
  });
  after(async () => {
    for (const store of stores) await store.close();
    await sqlite?.close();
    await dropSchema(schema);
  });

  it('the data has late hits for days already folded and days folded while hits for them arrive', async () => {
    const { rows } = await adminQuery(`SELECT value FROM ${schema}.store_state WHERE key = 'folded_before_day'`);
    const mark = Number(rows[0]?.value);
    assert.equal(mark, Math.floor(Math.max(...batches.map((batch) => batch.receivedMs)) / DAY) - 2, 'folded up to the latest write');
    let late = 0;
    let seen = -Infinity;
    for (const batch of batches) {
      seen = Math.max(seen, Math.floor(batch.receivedMs / DAY) - 2);
      late += batch.hits.filter((hit) => Math.floor(hit.timeMs / DAY) < seen).length;
    }
    assert.ok(late > 1000, `late hits for folded days: ${late}`);
    assert.ok(mark - Math.floor(D0 / DAY) >= DAYS - 3, `days folded: ${mark - Math.floor(D0 / DAY)}`);
  });

  it('keeps the day-grain tables equal to the hourly rollups summed: the folded days in the daily ones, the others in day_clients', async () => {
    const { rows } = await adminQuery(`SELECT value FROM ${schema}.store_state WHERE key = 'folded_before_day'`);
    assert.deepEqual(await foldMismatches(schema, Number(rows[0]?.value)), []);
  });

  it('answers endpoints() like the brute-force model and SQLite, for every range (folded days, cut days, open ends)', async () => {
    for (const store of stores) {
      for (const range of ranges()) {
        const found = await store.endpoints(range);
        assert.deepEqual(found, expectedEndpoints(hits, range), `model ${JSON.stringify(range)}`);
        assert.deepEqual(found, await sqlite.endpoints(range), `sqlite ${JSON.stringify(range)}`);
      }
    }
  });
});

describe('PostgreSQL store: a write for a day being folded waits for the fold', () => {
  const schema = testSchema();
  after(() => dropSchema(schema));

  it('a late hit sent while another collector folds its day (held just before commit) ends up in the daily rollups', async () => {
    const [a, b] = [await createPostgresStore({ url: PG_URL, schema }), await createPostgresStore({ url: PG_URL, schema })];
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      const day = (d: number, hour = 12) => D0 + d * DAY + hour * HOUR;
      const early = [hit(day(0), 'a0', 10), hit(day(1), 'a1', 20), hit(day(2, 3), 'a2', 30)];
      await a.insert(early.slice(0, 2), day(3)); // folds day 0; day 1 is the first not folded
      await b.insert(early.slice(2), day(3)); // b has seen that mark: its next write at day 3 does not fold
      // Hold the mark's row: the next fold runs its fold statements, then waits to move the mark.
      await holder.query('BEGIN');
      await holder.query(`SELECT value FROM ${schema}.store_state WHERE key = 'folded_before_day' FOR UPDATE`);
      const folding = a.insert([hit(day(4, 1), 'a3', 40)], day(4)); // folds day 1
      await waitFor(async () => (await lockWaits()).some((query) => query.includes('store_state')));
      // Collector b, its clock still on day 3, sends a late hit for day 1 (not folded, as far as it can see).
      let lateDone = false;
      const late = b.insert([hit(day(1, 7), 'late', 2500)], day(3, 1)).then((result) => {
        lateDone = true;
        return result;
      });
      await waitFor(async () => lateDone || (await lockWaits()).length >= 2);
      await holder.query('COMMIT');
      await Promise.all([folding, late]);
      const all = [...early, hit(day(4, 1), 'a3', 40), hit(day(1, 7), 'late', 2500)];
      const { rows } = await adminQuery(`SELECT value FROM ${schema}.store_state WHERE key = 'folded_before_day'`);
      assert.equal(Number(rows[0]?.value), Math.floor(day(4) / DAY) - 2);
      assert.deepEqual(await foldMismatches(schema, Number(rows[0]?.value)), []);
      for (const range of [{ sinceMs: D0 + DAY, untilMs: D0 + 2 * DAY }, { sinceMs: D0, untilMs: D0 + 3 * DAY }, {}]) {
        assert.deepEqual(await b.endpoints(range), expectedEndpoints(all, range), JSON.stringify(range));
      }
    } finally {
      await holder.end();
      await a.close();
      await b.close();
    }
  });
});

function hit(timeMs: number, client: string, durationMs: number): IncomingHit {
  return { timeMs, protocol: 'ga4', method: 'GET', route: `/${client}`, client, eventName: 'page_view', status: 200, durationMs };
}

/** The queries of this database's backends waiting for a lock. */
async function lockWaits(): Promise<string[]> {
  const { rows } = await adminQuery("SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
  return rows.map((row: { query: string }) => row.query);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out waiting for a lock wait');
}

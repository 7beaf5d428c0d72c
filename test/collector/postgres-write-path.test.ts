import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { CHECKED_WRITES_AFTER_CONFLICT } from '../../src/collector/store/postgres/pg-insert.js';
import type { AsyncStore } from '../../src/collector/store/store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { PG_URL, adminQuery, dropSchema, testSchema } from '../helpers/postgres.js';
import { until } from '../helpers/redis.js';
import { countsSince, createPgWireCounter } from '../helpers/pg-wire.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { DAY_MS } from '../../src/collector/store/time-grains.js';
import { RECENT_DAYS } from '../../src/collector/store/fold-days.js';
import { durationBucket } from '../../src/collector/store/duration-buckets.js';
import { expectedEndpoints, uniqueHits } from '../helpers/store-oracle.js';

// The PostgreSQL write path sends a batch's raw hits in a plain INSERT (no ON CONFLICT, no
// RETURNING) and, when one of them is stored already, rolls back and writes the batch again
// checked (pg-insert.ts). These tests give the unchecked path batches it must not store as sent.

const HOUR = 3_600_000;
/** Monday 2 November 2026, 00:00 UTC. */
const D0 = Date.UTC(2026, 10, 2);
const schemas: string[] = [];
after(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

async function open(schema = testSchema()): Promise<{ store: AsyncStore; schema: string }> {
  if (!schemas.includes(schema)) schemas.push(schema);
  return { store: await createPostgresStore({ url: PG_URL, schema }), schema };
}

function hit(n: number, fields: Partial<IncomingHit> = {}): IncomingHit {
  return {
    timeMs: D0 + (n % 7) * HOUR + n, protocol: 'ga4', method: n % 3 === 0 ? 'POST' : 'GET', route: `/v1/r${n % 4}`,
    client: `c${n % 5}`, eventName: 'page_view', status: n % 11 === 0 ? 500 : 200, durationMs: n % 50, hitId: `id-${n}`, ...fields,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('PostgreSQL store: batches written unchecked, then checked when a hit is stored already', () => {
  it('a batch holding hits stored earlier stores only the others, names the duplicates, and counts each hit once', async () => {
    const { store } = await open();
    try {
      const first = range(0, 20).map((n) => hit(n));
      assert.deepEqual(await store.insert(first, D0 + HOUR), { stored: 20, duplicates: [] });
      // Stored ones at the start, the middle and the end, one of them claiming another status.
      const second = [hit(0), hit(20), hit(21), hit(10, { status: 503 }), hit(22), hit(19)];
      assert.deepEqual(await store.insert(second, D0 + 2 * HOUR), { stored: 3, duplicates: [0, 3, 5] });
      assert.equal(await store.count(), 23);
      assert.deepEqual(await store.endpoints({}), expectedEndpoints(range(0, 23).map((n) => hit(n)), {}));
    } finally {
      await store.close();
    }
  });

  it('a write rolled back for a conflict leaves nothing behind in the memory of rollup rows written: the redo writes them', async () => {
    const { store } = await open();
    try {
      const a = hit(1, { client: 'x', route: '/a', timeMs: D0 + HOUR + 5, hitId: 'a' });
      const b = hit(2, { client: 'y', route: '/b', timeMs: D0 + 2 * HOUR + 5, hitId: 'b' });
      await store.insert([a], D0 + 3 * HOUR);
      assert.deepEqual(await store.insert([a, b], D0 + 3 * HOUR), { stored: 1, duplicates: [0] });
      // Whole hours, not a whole day: consumers are read from hourly_clients, not from raw hits or day_clients.
      const hours = { sinceMs: D0 + HOUR, untilMs: D0 + 5 * HOUR };
      assert.deepEqual(await store.endpoints(hours), expectedEndpoints([a, b], hours));
    } finally {
      await store.close();
    }
  });

  it('a write that fails at its rollups (here: a trigger the test adds) remembers none of its rollup rows: written when the batch comes again', async () => {
    const { store, schema } = await open();
    try {
      const b = hit(2, { client: 'y', route: '/b', timeMs: D0 + 2 * HOUR + 5, hitId: 'b' });
      // Its client and endpoint stored first, another hour: the failed write and the next one use the same ids.
      await store.insert([{ ...b, timeMs: D0 + 5, hitId: 'before' }], D0 + 3 * HOUR);
      await adminQuery(`CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.pending_groups FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse()`);
      await assert.rejects(store.insert([b], D0 + 3 * HOUR), /refused by the test/);
      await adminQuery(`DROP TRIGGER refuse ON ${schema}.pending_groups`);
      assert.deepEqual(await store.insert([b], D0 + 3 * HOUR), { stored: 1, duplicates: [] });
      const { rows } = await adminQuery(`SELECT count(*)::int AS n FROM ${schema}.hourly_clients_all`);
      assert.deepEqual(rows, [{ n: 2 }]);
    } finally {
      await store.close();
    }
  });

  it(`after a conflict, writes stay right while checked and after (${CHECKED_WRITES_AFTER_CONFLICT} checked writes, then unchecked again)`, async () => {
    const { store } = await open();
    try {
      const sent: IncomingHit[] = [];
      // Every third write repeats a hit of the write before: conflicts while checked and after.
      for (let w = 0; w < CHECKED_WRITES_AFTER_CONFLICT + 12; w++) {
        const batch = range(w * 5, w * 5 + 5).map((n) => hit(n));
        if (w > 0 && w % 3 === 0) batch.push(hit(w * 5 - 1));
        const result = await store.insert(batch, D0 + HOUR);
        assert.deepEqual(result, { stored: 5, duplicates: batch.length === 6 ? [5] : [] }, `write ${w}`);
        sent.push(...batch);
      }
      assert.deepEqual(await store.endpoints({}), expectedEndpoints(uniqueHits(sent).kept, {}));
    } finally {
      await store.close();
    }
  });

  it('two collectors writing overlapping batches at once: each hit stored once, the rollups count it once', async () => {
    const schema = testSchema();
    const a = await open(schema);
    const b = await open(schema);
    try {
      const sent: IncomingHit[] = [];
      const results: Promise<unknown>[] = [];
      for (let round = 0; round < 30; round++) {
        // Both get hits of their own and a share of the same ones, in another order.
        const shared = range(round * 40, round * 40 + 20).map((n) => hit(n));
        const forA = [...shared, ...range(round * 40 + 20, round * 40 + 30).map((n) => hit(n))];
        const forB = [...range(round * 40 + 30, round * 40 + 40).map((n) => hit(n)), ...[...shared].reverse()];
        sent.push(...forA, ...forB);
        results.push(a.store.insert(forA, D0 + HOUR), b.store.insert(forB, D0 + HOUR));
      }
      const settled = (await Promise.all(results)) as { stored: number }[];
      const { kept } = uniqueHits(sent);
      assert.equal(settled.reduce((sum, r) => sum + r.stored, 0), kept.length);
      assert.equal(await a.store.count(), kept.length);
      assert.deepEqual(await b.store.endpoints({}), expectedEndpoints(kept, {}));
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('pending rollup rows: merged after every write or never, the answers are the same, and a merge leaves none pending', async () => {
    const schema = testSchema();
    schemas.push(schema);
    const merging = await createPostgresStore({ url: PG_URL, schema, pendingRowsPerMerge: 1 });
    const { store: pending, schema: other } = await open();
    const sent: IncomingHit[] = [];
    try {
      for (let w = 0; w < 20; w++) {
        // Hours over three days, late ones among them, so that days fold (merging first) as the clock moves.
        const batch = range(w * 7, w * 7 + 7).map((n) => hit(n, { timeMs: D0 + ((n * 5) % 72) * HOUR + n }));
        // And in every write, one more in the same (hour, endpoint, duration bucket, client): rows a merge sums.
        batch.push(hit(1000 + w, { timeMs: D0 + 30 * HOUR + w, route: '/same', client: 'same', durationMs: 40, status: 200 }));
        sent.push(...batch);
        const receivedMs = D0 + (w * 72 * HOUR) / 20;
        assert.deepEqual(await merging.insert(batch, receivedMs), await pending.insert(batch, receivedMs), `write ${w}`);
      }
      // Merges run in the background, one at a time, the next as soon as one ends.
      await until(async () => (await pendingLeft(schema)) === 0, 'the merging store to leave nothing pending');
      assert.ok((await pendingLeft(other)) > 0, 'the default merges after 20 000 rows or 5 s: these writes left rows pending');
      // Merged or pending, the rollups hold what the raw hits add up to, per key.
      for (const name of [schema, other]) assert.deepEqual(await rollupMismatches(name), [], name);
      for (const span of [{}, { sinceMs: D0, untilMs: D0 + 24 * HOUR }, { sinceMs: D0 + 30 * HOUR, untilMs: D0 + 50 * HOUR }]) {
        const expected = expectedEndpoints(sent, span);
        assert.deepEqual(await merging.endpoints(span), expected, `merged ${JSON.stringify(span)}`);
        assert.deepEqual(await pending.endpoints(span), expected, `pending ${JSON.stringify(span)}`);
      }
    } finally {
      await merging.close();
      await pending.close();
    }
    // Each merge is followed by a VACUUM of the pending tables (close() waits for both), so the
    // rows it deleted do not stay for every report to scan. (Whether their pages are freed at once
    // depends on the oldest snapshot of the whole server, so the test counts the VACUUMs.)
    const vacuums = async (name: string) => (await adminQuery(
      "SELECT relname, vacuum_count::int AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname LIKE 'pending%' ORDER BY relname", [name])).rows;
    for (const row of await vacuums(schema)) assert.ok(row.n > 0, `${row.relname} vacuumed after the merges`);
    assert.deepEqual((await vacuums(other)).map((row) => row.n), [0, 0, 0, 0]);
  });

  it('a fold deletes the folded days from day_clients, rewrites client_days, and is followed by a VACUUM of both (close() waits for it); writes that fold nothing vacuum nothing', async () => {
    const dayClientVacuums = async (name: string) => Math.min(...(await adminQuery(
      "SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname IN ('day_clients', 'client_days')", [name])).rows.map((row: { n: number }) => row.n));
    // Hits of three days, received within them: the first write folds nothing older than the
    // hits (the mark starts before them), the days stay unfolded while the clock stays in them.
    const { store: quiet, schema: quietSchema } = await open();
    const sent = range(0, 30).map((n) => hit(n, { timeMs: D0 + n * 2 * HOUR }));
    try {
      await quiet.insert(sent.slice(0, 10), D0 + 20 * HOUR);
      await quiet.insert(sent.slice(10, 20), D0 + 40 * HOUR);
      await quiet.insert(sent.slice(20), D0 + 60 * HOUR);
    } finally {
      await quiet.close();
    }
    const folded = await adminQuery(`SELECT value FROM ${quietSchema}.store_state WHERE key = 'folded_before_day'`);
    const before = await dayClientVacuums(quietSchema);
    // A later write moves the clock RECENT_DAYS + 1 days on: the three days fold.
    const { store, schema } = await open(quietSchema);
    try {
      assert.deepEqual(await store.insert([hit(100, { timeMs: D0 + (RECENT_DAYS + 4) * DAY_MS })], D0 + (RECENT_DAYS + 4) * DAY_MS), { stored: 1, duplicates: [] });
      assert.deepEqual(await store.endpoints({}), expectedEndpoints([...sent, hit(100, { timeMs: D0 + (RECENT_DAYS + 4) * DAY_MS })], {}));
    } finally {
      await store.close();
    }
    assert.equal((await adminQuery(`SELECT count(*)::int AS n FROM ${schema}.day_clients WHERE day < ${D0 / DAY_MS + 3}`)).rows[0]?.n, 0, 'the folded days left day_clients');
    const mark = Number((await adminQuery(`SELECT value FROM ${schema}.store_state WHERE key = 'folded_before_day'`)).rows[0]?.value);
    assert.ok(mark >= D0 / DAY_MS + 3, `folded past the three days (mark ${mark}, before ${JSON.stringify(folded.rows)})`);
    // Statistics reach pg_stat_user_tables when the VACUUM's backend reports them: wait for it.
    await until(async () => (await dayClientVacuums(schema)) > before, 'day_clients and client_days vacuumed after the fold');
    assert.equal(before, 0, 'writes that folded nothing did not vacuum day_clients or client_days');
  });

  it('a merge that fails is tried again by the next write, not at once (no loop of failing merges), and its rows are merged then', async () => {
    const schema = testSchema();
    schemas.push(schema);
    const merging = await createPostgresStore({ url: PG_URL, schema, pendingRowsPerMerge: 1 });
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const left = async () => Number((await client.query(`SELECT count(*) AS n FROM ${schema}.pending_groups`)).rows[0]?.n);
    try {
      // The first write folds the days before (merging first, on the write's own path); later ones the same day do not.
      const batches = [0, 1, 2].map((b) => range(b * 5, b * 5 + 5).map((n) => hit(n)));
      await merging.insert(batches[0] as IncomingHit[], D0 + HOUR);
      await until(async () => (await left()) === 0, 'the first write\'s rows to be merged');
      // Now merges fail in PostgreSQL: a trigger on hourly refuses them, counting each try in a sequence (not rolled back).
      await adminQuery(`CREATE SEQUENCE ${schema}.merge_tries;
        CREATE FUNCTION ${schema}.refuse_merge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('${schema}.merge_tries'); RAISE EXCEPTION 'merge refused by the test'; END $$;
        CREATE TRIGGER refuse_merge BEFORE INSERT ON ${schema}.hourly FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_merge()`);
      const tries = async () => Number((await client.query(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${schema}.merge_tries`)).rows[0]?.n);
      await merging.insert(batches[1] as IncomingHit[], D0 + HOUR);
      await until(async () => (await tries()) >= 1, 'a merge to be tried');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await tries(), 1, 'a failed merge is not tried again until a write comes');
      await adminQuery(`DROP TRIGGER refuse_merge ON ${schema}.hourly`);
      await merging.insert(batches[2] as IncomingHit[], D0 + HOUR);
      await until(async () => (await left()) === 0, 'the rows of the failed merge and the last write to be merged');
      assert.deepEqual(await merging.endpoints({}), expectedEndpoints(batches.flat(), {}));
    } finally {
      await client.end();
      await merging.close();
    }
  });

  it('rollup rows a collector of the previous version appends (pending_hourly, pending_durations, pending_clients) are read and merged as before', async () => {
    const schema = testSchema();
    schemas.push(schema);
    const merging = await createPostgresStore({ url: PG_URL, schema, pendingRowsPerMerge: 1 });
    try {
      const mine = hit(1, { timeMs: D0 + HOUR, durationMs: 10 });
      await merging.insert([mine], D0 + HOUR);
      // What an earlier collector's write of one more hit of the same endpoint and client appends (migration 4's tables), and its raw hit.
      const theirs = hit(2, { method: mine.method, route: mine.route, client: 'theirs', timeMs: D0 + HOUR + 1, durationMs: 10 });
      await adminQuery(`INSERT INTO ${schema}.clients (client) VALUES ('theirs')`);
      await adminQuery(`WITH e AS (SELECT id FROM ${schema}.endpoints), c AS (SELECT id FROM ${schema}.clients WHERE client = 'theirs'), h AS (SELECT ${Math.floor((D0 + HOUR) / HOUR)} AS hour)
        , a AS (INSERT INTO ${schema}.pending_hourly SELECT h.hour, e.id, 1, 0, 0, 1, ${theirs.timeMs}, ${theirs.timeMs} FROM e, h)
        , b AS (INSERT INTO ${schema}.pending_durations SELECT h.hour, e.id, ${durationBucket(10)}, 1 FROM e, h)
        , d AS (INSERT INTO ${schema}.pending_clients SELECT h.hour, e.id, c.id FROM e, c, h)
        INSERT INTO ${schema}.hits (time_ms, received_ms, endpoint_id, client_id, status, duration_ms, dur_bucket, event_name, protocol, hit_id)
          SELECT ${theirs.timeMs}, ${D0 + HOUR}, e.id, c.id, 200, 10, ${durationBucket(10)}, 'page_view', 'ga4', 'theirs-2' FROM e, c`);
      const expected = expectedEndpoints([mine, { ...theirs, status: 200 }], {});
      assert.deepEqual(await merging.endpoints({}), expected, 'read through the views before a merge');
      // The next write merges (pendingRowsPerMerge 1): the old tables are emptied into the rollups too.
      await merging.insert([hit(3, { ...mine, hitId: 'mine-3', timeMs: D0 + HOUR + 2 })], D0 + HOUR);
      await until(async () => (await pendingLeft(schema)) === 0, 'every pending row to be merged');
      assert.deepEqual(await merging.endpoints({}), expectedEndpoints([mine, { ...theirs, status: 200 }, { ...mine, hitId: 'mine-3', timeMs: D0 + HOUR + 2 }], {}));
      assert.deepEqual(await rollupMismatches(schema), []);
    } finally {
      await merging.close();
    }
  });

  it('the hits table has no foreign keys (migration 3): each cost a trigger and a row lock per inserted hit', async () => {
    const { store, schema } = await open();
    await store.close();
    const { rows } = await adminQuery(
      "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = to_regclass($1)", [`${schema}.hits`]);
    assert.deepEqual(rows, []);
  });
});

describe('PostgreSQL store: round trips of a write', () => {
  /** A store whose connections go through a proxy that counts the protocol's messages. */
  async function openCounted(schema = testSchema()) {
    if (!schemas.includes(schema)) schemas.push(schema);
    const wire = createPgWireCounter();
    const url = new URL(PG_URL);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) }, 'pass', wire.tap);
    url.port = String(proxy.port);
    // No merge in the background while counting (it would run on another connection).
    const store = await createPostgresStore({ url: url.toString(), schema, pendingRowsPerMerge: 1_000_000_000 });
    /** The messages each way while `work` runs. */
    const during = async (work: () => Promise<unknown>) => {
      const before = { up: wire.counts('up'), down: wire.counts('down') };
      await work();
      return { up: countsSince(before.up, wire.counts('up')), down: countsSince(before.down, wire.counts('down')) };
    };
    return { store, schema, wire, during, close: async () => { await store.close(); await proxy.close(); } };
  }

  it('a batch of names already known, with no day to fold, is one round trip: BEGIN, the lock, the COPY of its hits, its rollup rows and COMMIT in one query, and no notice', async () => {
    const { store, during, close } = await openCounted();
    try {
      await store.insert(range(0, 20).map((n) => hit(n)), D0 + 8 * HOUR);
      const { up, down } = await during(() => store.insert(range(20, 40).map((n) => hit(n)), D0 + 8 * HOUR));
      // One simple query, then for each of its COPYs (the hits, the pending rollup rows) one
      // CopyData and CopyDone; one ReadyForQuery back.
      assert.deepEqual(up, { Q: 1, d: 2, c: 2 });
      assert.equal(down.Z, 1);
      // A NoticeResponse would be PostgreSQL warning of a BEGIN inside a transaction or a COMMIT outside one.
      assert.equal(down.N, undefined);
      assert.equal(await store.count(), 40);
      assert.deepEqual(await store.endpoints({}), expectedEndpoints(range(0, 40).map((n) => hit(n)), {}));
    } finally {
      await close();
    }
  });

  it('a batch with new names takes the lock, learns the ids, then sends the COPY, rollups and COMMIT: no BEGIN or COMMIT of its own around it', async () => {
    const { store, during, close } = await openCounted();
    try {
      await store.insert([hit(0)], D0 + 8 * HOUR);
      const { down } = await during(() => store.insert(range(1, 30).map((n) => hit(n, { client: `new-${n}`, method: hit(0).method, route: hit(0).route })), D0 + 8 * HOUR));
      // BEGIN and the lock, the new clients inserted and read, the rest: 4 round trips.
      assert.equal(down.Z, 4);
      assert.equal(down.N, undefined);
      assert.equal(await store.count(), 30);
    } finally {
      await close();
    }
  });

  it('a report reads in one REPEATABLE READ snapshot with JIT off, set in the same round trip as BEGIN, and the server takes it', async () => {
    // A backend's first JIT loads LLVM: planning the client count on a new connection took 76-79 ms
    // with JIT on, 11-12 with it off (bench/pg-report), and every `footfall report` is a new connection.
    const { store, wire, during, close } = await openCounted();
    try {
      await store.insert(range(0, 20).map((n) => hit(n)), D0 + 8 * HOUR);
      const before = wire.queries().length;
      const { down } = await during(() => store.endpoints({ sinceMs: D0 - 30 * DAY_MS }));
      const begins = wire.queries().slice(before).filter((text) => text.startsWith('BEGIN'));
      assert.equal(begins.length, 1, JSON.stringify(begins));
      assert.match(begins[0] as string, /^BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL work_mem = '32MB'; SELECT set_config\('jit', 'off', true\)/);
      assert.equal(down.E, undefined, 'no error from the server');
    } finally {
      await close();
    }
  });

  it('a write that assumed the fold mark, after another collector folded past its hits\' day, is written again with the mark read: the late hits reach the daily rollups', async () => {
    const schema = testSchema();
    const a = await openCounted(schema);
    const b = await openCounted(schema);
    try {
      const day = (n: number) => D0 + n * DAY_MS;
      const hits = [hit(1, { timeMs: day(10) + HOUR })];
      // A folds up to day 10 - RECENT_DAYS and knows that mark.
      await a.store.insert(hits, day(10) + HOUR);
      // B, whose clock is 5 days ahead, folds 5 days further.
      await b.store.insert([hit(2, { timeMs: day(15) + HOUR })], day(15) + HOUR);
      // A's hits of a day B folded (A would have rolled them up hourly only): the check fails the
      // one-round-trip write, which is written again under the lock, the hits as late ones.
      const known = { client: hit(1).client, method: hit(1).method, route: hit(1).route };
      const late = [hit(3, { ...known, timeMs: day(10 - RECENT_DAYS + 1) + HOUR }), hit(4, { ...known, timeMs: day(12) + 2 * HOUR, durationMs: 7 })];
      const { up } = await a.during(() => a.store.insert(late, day(10) + 2 * HOUR));
      assert.equal(up.Q, 4, 'the one-round-trip write, its ROLLBACK, then the lock read and the write');
      const all = [...hits, hit(2, { timeMs: day(15) + HOUR }), ...late];
      for (const store of [a.store, b.store]) {
        assert.deepEqual(await store.endpoints({}), expectedEndpoints(all, {}));
        assert.deepEqual(await store.endpoints({ sinceMs: day(7), untilMs: day(13) }), expectedEndpoints(all, { sinceMs: day(7), untilMs: day(13) }));
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** Rows left in a schema's pending tables: this version's and those of collectors before migration 6. */
async function pendingLeft(schema: string): Promise<number> {
  const tables = ['pending_groups', 'pending_hourly', 'pending_durations', 'pending_clients'];
  return Number((await adminQuery(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${schema}.${table})`).join(' + ')} AS n`)).rows[0]?.n);
}

/** Rows where the rollups (read through the *_all views) differ from the raw hits summed per key. */
async function rollupMismatches(schema: string): Promise<unknown[]> {
  const differ = async (what: string, rollup: string, raw: string) =>
    (await adminQuery(`WITH r AS (${rollup}), h AS (${raw}) SELECT '${what}' AS what, * FROM (SELECT * FROM r EXCEPT SELECT * FROM h UNION ALL SELECT * FROM h EXCEPT SELECT * FROM r) AS x`)).rows;
  const hour = 'floor(time_ms / 3600000.0)::int';
  return [
    ...await differ('hourly', `SELECT hour, endpoint_id, sum(hits)::bigint, sum(server_errors)::bigint, min(first_ms), max(last_ms) FROM ${schema}.hourly_all GROUP BY 1, 2`,
      `SELECT ${hour}, endpoint_id, count(*), count(CASE WHEN status >= 500 THEN 1 END), min(time_ms), max(time_ms) FROM ${schema}.hits GROUP BY 1, 2`),
    ...await differ('durations', `SELECT hour, endpoint_id, bucket, sum(count)::bigint FROM ${schema}.hourly_durations_all GROUP BY 1, 2, 3`,
      `SELECT ${hour}, endpoint_id, dur_bucket, count(*) FROM ${schema}.hits WHERE dur_bucket IS NOT NULL GROUP BY 1, 2, 3`),
    ...await differ('clients', `SELECT DISTINCT hour, endpoint_id, client_id FROM ${schema}.hourly_clients_all`,
      `SELECT DISTINCT ${hour}, endpoint_id, client_id FROM ${schema}.hits`),
  ];
}

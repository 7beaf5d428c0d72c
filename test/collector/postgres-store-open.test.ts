// Opening the PostgreSQL store: migrations under an advisory lock, a newer schema refused,
// clear errors for a database that cannot be used, and writes from two stores at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { isFootfallError } from '../../src/errors.js';
import { PG_SCHEMA_VERSION, migrate } from '../../src/collector/store/postgres/migrations.js';
import { parsePostgresTarget } from '../../src/collector/store/postgres/postgres-target.js';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { PG_URL, adminQuery, dropSchema, testSchema } from '../helpers/postgres.js';
import { freePort } from '../helpers/ports.js';
import { expectedEndpoints } from '../helpers/store-oracle.js';

const D0 = Date.UTC(2026, 10, 2);
const PASSWORD = 'hunter2-Secret';
const schemas: string[] = [];
const roles: string[] = [];
after(async () => {
  for (const schema of schemas) await dropSchema(schema);
  for (const role of roles) await adminQuery(`DROP ROLE IF EXISTS ${role}`);
});

function schema(): string {
  const name = testSchema();
  schemas.push(name);
  return name;
}

/** `url` with another user, password, port or database. */
function variant(change: { user?: string; password?: string; port?: number; database?: string }): string {
  const url = new URL(PG_URL);
  if (change.user !== undefined) url.username = change.user;
  if (change.password !== undefined) url.password = change.password;
  if (change.port !== undefined) url.port = String(change.port);
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}

function footfallError(code: string, ...parts: string[]) {
  return (error: unknown) => {
    assert.ok(isFootfallError(error), String(error));
    assert.equal(error.code, code, error.message);
    assert.ok(!error.message.includes(PASSWORD), `the password is shown: ${error.message}`);
    for (const part of parts) assert.ok(error.message.includes(part), `${JSON.stringify(part)} not in: ${error.message}`);
    return true;
  };
}

function hit(timeMs: number, fields: Partial<IncomingHit> = {}): IncomingHit {
  return { timeMs, protocol: 'ga4', method: 'GET', route: '/v1/users/:id', client: 'c1', eventName: 'page_view', ...fields };
}

/** Waits (up to 30 s) until `condition` holds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the store to wait on a lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function versions(name: string): Promise<number[]> {
  return (await adminQuery(`SELECT version FROM ${name}.footfall_schema ORDER BY version`)).rows.map((row: { version: number }) => row.version);
}

describe('PostgreSQL store: schema and migrations', () => {
  it('creates its schema on first open, and opens it again with the hits kept', async () => {
    const name = schema();
    const first = await createPostgresStore({ url: PG_URL, schema: name });
    await first.insert([hit(D0, { hitId: 'a' }), hit(D0 + 1)], D0);
    await first.close();
    await first.close(); // twice is fine
    const again = await createPostgresStore({ url: PG_URL, schema: name });
    assert.equal(await again.count(), 2);
    assert.deepEqual(await again.insert([hit(D0, { hitId: 'a' })], D0), { stored: 0, duplicates: [0] });
    await again.close();
    assert.deepEqual(await versions(name), Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('lets several stores open one fresh schema at once: each migration is applied once, all of them work', async () => {
    const name = schema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: PG_URL, schema: name })));
    assert.deepEqual(await versions(name), Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
    await Promise.all(stores.map((store, i) => store.insert([hit(D0 + i, { client: `c${i}` })], D0)));
    for (const store of stores) assert.equal(await store.count(), 4);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('migrates a version-1 schema with hits in it: the days stay readable from the hourly rollups until a write folds them', async () => {
    const DAY = 86_400_000;
    const hits = Array.from({ length: 300 }, (_, i) => hit(D0 + ((i * 5_003_251) % (6 * DAY)), { client: `c${i % 17}`, route: `/r${i % 3}`, durationMs: (i % 40) * 7 + 1, status: i % 7 === 0 ? 500 : 200 }));
    // Version 1 data: written by this store with nothing to fold yet, its version-1 tables copied into a version-1 schema.
    const source = schema();
    const written = await createPostgresStore({ url: PG_URL, schema: source });
    await written.insert(hits, D0);
    await written.close();
    const name = schema();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await migrate(client as unknown as PoolClient, parsePostgresTarget(PG_URL, name), 1);
      for (const table of ['endpoints', 'clients', 'hits', 'hourly', 'hourly_durations', 'hourly_clients']) await client.query(`INSERT INTO ${name}.${table} SELECT * FROM ${source}.${table}`);
      for (const table of ['endpoints', 'clients', 'hits']) await client.query(`SELECT setval(pg_get_serial_sequence('${name}.${table}', 'id'), (SELECT max(id) FROM ${name}.${table}))`);
    } finally {
      await client.end();
    }
    assert.deepEqual(await versions(name), [1]);
    const store = await createPostgresStore({ url: PG_URL, schema: name });
    try {
      assert.deepEqual(await versions(name), Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
      const ranges = [{}, { sinceMs: D0 + DAY, untilMs: D0 + 4 * DAY }, { sinceMs: D0 + 30 * 60_000, untilMs: D0 + 5 * DAY + 7 * 3_600_000 }];
      for (const range of ranges) assert.deepEqual(await store.endpoints(range), expectedEndpoints(hits, range), `before the fold ${JSON.stringify(range)}`);
      const later = hit(D0 + 7 * DAY, { client: 'new', route: '/r1', durationMs: 5 });
      await store.insert([later], D0 + 8 * DAY); // folds the six days
      assert.equal(Number((await adminQuery(`SELECT value FROM ${name}.store_state WHERE key = 'folded_before_day'`)).rows[0]?.value), Math.floor(D0 / DAY) + 6);
      assert.ok(Number((await adminQuery(`SELECT count(*) AS n FROM ${name}.client_days`)).rows[0]?.n) > 0, 'folded into client_days');
      for (const range of ranges) assert.deepEqual(await store.endpoints(range), expectedEndpoints([...hits, later], range), `after the fold ${JSON.stringify(range)}`);
    } finally {
      await store.close();
    }
  });

  it('refuses a schema a newer Footfall wrote, and changes nothing in it', async () => {
    const name = schema();
    await adminQuery(`CREATE SCHEMA ${name}`);
    await adminQuery(`CREATE TABLE ${name}.footfall_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await adminQuery(`INSERT INTO ${name}.footfall_schema (version, description) VALUES (${PG_SCHEMA_VERSION + 1}, 'from the future')`);
    await assert.rejects(createPostgresStore({ url: variant({ password: PASSWORD }), schema: name }),
      footfallError('FOOTFALL_ERR_STORE_TOO_NEW', `schema version ${PG_SCHEMA_VERSION + 1}`, `(${PG_SCHEMA_VERSION})`, name, new URL(PG_URL).host));
    const tables = await adminQuery('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [name]);
    assert.deepEqual(tables.rows.map((row: { table_name: string }) => row.table_name), ['footfall_schema']);
  });
});

describe('PostgreSQL store: a database it cannot use says why, without the password', () => {
  it('unreachable: nothing listens on the port', async () => {
    const port = await freePort();
    await assert.rejects(createPostgresStore({ url: variant({ password: PASSWORD, port }), schema: schema() }),
      footfallError('FOOTFALL_ERR_DATABASE_UNREACHABLE', `127.0.0.1:${port}`, 'ECONNREFUSED', 'pg_isready'));
  });

  it('missing database', async () => {
    const database = `fftest_nodb_${randomBytes(4).toString('hex')}`;
    await assert.rejects(createPostgresStore({ url: variant({ password: PASSWORD, database }), schema: schema() }),
      footfallError('FOOTFALL_ERR_DATABASE_MISSING', database, 'createdb'));
  });

  it('wrong user: the login is refused', async () => {
    const user = `fftest_nobody_${randomBytes(4).toString('hex')}`;
    await assert.rejects(createPostgresStore({ url: variant({ user, password: PASSWORD }), schema: schema() }),
      footfallError('FOOTFALL_ERR_DATABASE_AUTH', `${user}@`, 'pg_hba.conf'));
  });

  it('permission denied: a user that may not create the schema', async () => {
    const user = `fftest_role_${randomBytes(4).toString('hex')}`;
    roles.push(user);
    await adminQuery(`CREATE ROLE ${user} LOGIN`);
    const name = schema();
    await assert.rejects(createPostgresStore({ url: variant({ user, password: PASSWORD }), schema: name }),
      footfallError('FOOTFALL_ERR_DATABASE_PERMISSION', `${user}@`, name, 'GRANT'));
  });

  it('refuses a URL that is not PostgreSQL, a schema name it would have to quote, and unknown options', async () => {
    await assert.rejects(createPostgresStore({ url: `redis://u:${PASSWORD}@127.0.0.1:6379` }), footfallError('FOOTFALL_ERR_INVALID_DATABASE_URL', '***'));
    await assert.rejects(createPostgresStore({ url: PG_URL, schema: 'Robert"; DROP' }), footfallError('FOOTFALL_ERR_INVALID_DATABASE_URL', 'schema'));
    await assert.rejects(createPostgresStore({ url: PG_URL, shema: 'x' } as never), footfallError('FOOTFALL_ERR_UNKNOWN_OPTION', 'did you mean `schema`'));
    await assert.rejects(createPostgresStore({ url: PG_URL, connectTimeoutMs: -1 }), footfallError('FOOTFALL_ERR_INVALID_OPTION', 'connectTimeoutMs'));
  });
});

describe('PostgreSQL store: writes', () => {
  it('stores a call whole or not at all, and forgets the ids of a call that failed', async () => {
    const store = await createPostgresStore({ url: PG_URL, schema: schema() });
    await assert.rejects(store.insert([hit(D0, { route: '/new', client: 'new-client', hitId: 'x' }), hit(Number.NaN)], D0));
    assert.equal(await store.count(), 0);
    assert.deepEqual((await store.endpoints({})).endpoints, []);
    // Had the failed call's endpoint or client ids been cached, these rows would point at nothing.
    assert.deepEqual(await store.insert([hit(D0, { route: '/new', client: 'new-client', hitId: 'x' })], D0), { stored: 1, duplicates: [] });
    assert.deepEqual((await store.endpoints({})).endpoints.map((e) => [e.route, e.hits, e.clients]), [['/new', 1, 1]]);
    await store.close();
  });

  it('a write that loses a deadlock to another transaction is tried again, whole', async () => {
    const name = schema();
    const app = `ff_${name}`; // names the store's connections, to see when one waits
    const store = await createPostgresStore({ url: `${PG_URL}?application_name=${app}`, schema: name });
    await store.insert([hit(D0, { hitId: 'h0' })], D0); // the endpoint and the client exist
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      const row = (hitId: string) => other.query(`INSERT INTO ${name}.hits (time_ms, received_ms, endpoint_id, client_id, event_name, protocol, hit_id)
        SELECT $1, $1, (SELECT id FROM ${name}.endpoints), (SELECT id FROM ${name}.clients), 'page_view', 'ga4', $2`, [D0, hitId]);
      await other.query('BEGIN');
      await row('h2');
      // The store inserts h1, then waits for the other transaction's h2...
      const writing = store.insert([hit(D0, { hitId: 'h1' }), hit(D0, { hitId: 'h2' })], D0);
      await until(async () => (await adminQuery(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app])).rows[0].n > 0);
      // ...which now waits for the store's h1: a deadlock; PostgreSQL ends the store's transaction, the first to wait.
      await row('h1');
      await other.query('COMMIT');
      assert.deepEqual(await writing, { stored: 0, duplicates: [0, 1] });
      // The raw rows themselves: the other transaction wrote h1 and h2 without rollups, which
      // count() adds up (pgCount), as no Footfall writer does.
      assert.equal((await adminQuery(`SELECT count(*)::int AS n FROM ${name}.hits`)).rows[0].n, 3);
    } finally {
      await other.end();
      await store.close();
    }
  });

  it('two stores on one schema (two collectors) store each (client, hit id) once, whichever wins', async () => {
    const name = schema();
    const [a, b] = await Promise.all([createPostgresStore({ url: PG_URL, schema: name }), createPostgresStore({ url: PG_URL, schema: name })]);
    const batches = Array.from({ length: 20 }, (_, n) => Array.from({ length: 50 }, (_, i) => hit(D0 + n * 60_000 + i, { client: `c${i % 7}`, hitId: `h${n}-${i}`, route: `/r${i % 5}` })));
    // The same batches to both at once (a retried delivery reaching another collector), in opposite orders.
    const results = await Promise.all([
      Promise.all(batches.map((batch) => a.insert(batch, D0))),
      Promise.all([...batches].reverse().map((batch) => b.insert([...batch].reverse(), D0))),
    ]);
    const stored = results.flat().reduce((sum, r) => sum + r.stored, 0);
    const duplicates = results.flat().reduce((sum, r) => sum + r.duplicates.length, 0);
    assert.equal(stored, 1000);
    assert.equal(duplicates, 1000);
    assert.equal(await a.count(), 1000);
    const report = await b.endpoints({});
    assert.equal(report.hits, 1000);
    assert.equal(report.clients, 7);
    assert.deepEqual(report.endpoints.map((e) => e.hits), [200, 200, 200, 200, 200]);
    await Promise.all([a.close(), b.close()]);
  });
});

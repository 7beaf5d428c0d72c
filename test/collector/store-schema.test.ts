import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { isFootfallError } from '../../src/errors.js';
import { durationBucket } from '../../src/collector/store/duration-buckets.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/collector/store/schema.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { IncomingHit } from '../../src/collector/types.js';
import { expectedEndpoints } from '../helpers/store-oracle.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 2);
const dir = mkdtempSync(join(tmpdir(), 'footfall-store-schema-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes hits the way a version-1 store did: dictionaries and raw rows, no rollups. */
function writeVersion1(file: string, hits: readonly IncomingHit[], version = 1): void {
  const db = new Database(file);
  migrate(db, file, 1);
  const endpoint = db.prepare('INSERT INTO endpoints (method, route) VALUES (?, ?) ON CONFLICT DO UPDATE SET method = method RETURNING id').pluck();
  const client = db.prepare('INSERT INTO clients (client) VALUES (?) ON CONFLICT DO UPDATE SET client = client RETURNING id').pluck();
  const insert = db.prepare(`INSERT INTO hits (time_ms, received_ms, endpoint_id, client_id, status, duration_ms, dur_bucket, event_name, protocol)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const hit of hits) {
      insert.run(hit.timeMs, hit.timeMs, endpoint.get(hit.method, hit.route), client.get(hit.client), hit.status ?? null, hit.durationMs ?? null, durationBucket(hit.durationMs), hit.eventName, hit.protocol);
    }
  })();
  // A later version's migrations run over the rows, as opening the file with that Footfall would.
  migrate(db, file, version);
  db.close();
}

function versionOf(file: string): number {
  const db = new Database(file, { readonly: true });
  const version = Number(db.pragma('user_version', { simple: true }));
  db.close();
  return version;
}

function storeError(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    assert.ok(isFootfallError(error), `expected a FootfallError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  assert.fail('expected an error');
}

describe('SQLite store schema', () => {
  it('numbers its migrations 1, 2, ... in order', () => {
    assert.deepEqual(MIGRATIONS.map((m) => m.version), Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('upgrades a version-1 file: the rollups are built from the hits it holds, then new hits add to them', () => {
    const file = join(dir, 'v1.db');
    const old = Array.from({ length: 200 }, (_, i): IncomingHit => ({
      timeMs: D0 + i * 3_000_000, protocol: 'ga4', method: i % 4 === 0 ? 'POST' : 'GET', route: `/r${i % 3}`,
      client: `c${i % 7}`, eventName: 'page_view', status: i % 9 === 0 ? 503 : 200, durationMs: (i % 50) + 1,
    }));
    writeVersion1(file, old);
    assert.equal(versionOf(file), 1);
    const store = createSqliteStore({ file });
    assert.equal(versionOf(file), SCHEMA_VERSION);
    const ranges = [{}, { sinceMs: D0 + DAY + 17 }, { sinceMs: D0 + 12 * 3_600_000, untilMs: D0 + 5 * DAY + 1 }];
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints(old, range));
    const fresh: IncomingHit = { timeMs: D0 + 3 * DAY, protocol: 'ua', method: 'GET', route: '/r1', client: 'new', eventName: 'pageview', durationMs: 900 };
    store.insert([fresh], D0 + 9 * DAY); // also folds the old days into the daily rollups
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints([...old, fresh], range));
    store.close();
  });

  it('upgrades a version-2 file to hit ids: its rows and reports are kept, its hits have no id, new ids are stored once', () => {
    const file = join(dir, 'v2.db');
    const old = Array.from({ length: 120 }, (_, i): IncomingHit => ({
      timeMs: D0 + i * 2_000_000, protocol: 'ua', method: 'GET', route: `/r${i % 4}`, client: `c${i % 5}`, eventName: 'pageview', status: i % 11 === 0 ? 500 : 200, durationMs: i + 1,
    }));
    writeVersion1(file, old, 2);
    assert.equal(versionOf(file), 2);
    const ranges = [{}, { sinceMs: D0 + 7 * 3_600_000 + 5 }, { sinceMs: D0 + DAY, untilMs: D0 + 2 * DAY + 17 }];
    const store = createSqliteStore({ file });
    assert.equal(versionOf(file), SCHEMA_VERSION);
    assert.equal(store.count(), old.length);
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints(old, range));
    assert.equal(store.recentHits(200).some((hit) => 'hitId' in hit), false);
    const fresh: IncomingHit = { timeMs: D0 + DAY, protocol: 'ga4', method: 'GET', route: '/r1', client: 'c1', eventName: 'page_view', hitId: 'k3j9x0a1bq-0' };
    assert.deepEqual(store.insert([fresh, fresh], D0 + 2 * DAY), { stored: 1, duplicates: [1] });
    assert.deepEqual(store.insert([fresh], D0 + 2 * DAY), { stored: 0, duplicates: [0] });
    for (const range of ranges) assert.deepEqual(store.endpoints(range), expectedEndpoints([...old, fresh], range));
    store.close();
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare("SELECT count(*), count(hit_id) FROM hits").raw().get(), [old.length + 1, 1]);
    assert.match(String(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'hits_client_hit_id'").pluck().get()), /UNIQUE INDEX hits_client_hit_id ON hits \(client_id, hit_id\) WHERE hit_id IS NOT NULL/);
    db.close();
  });

  it('refuses a file from a newer Footfall with FOOTFALL_ERR_STORE_TOO_NEW and leaves it alone', () => {
    const file = join(dir, 'future.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const error = storeError(() => createSqliteStore({ file }));
    assert.equal(error.code, 'FOOTFALL_ERR_STORE_TOO_NEW');
    assert.match(error.message, new RegExp(`schema version ${SCHEMA_VERSION + 5}, newer than this Footfall understands \\(${SCHEMA_VERSION}\\)`));
    assert.ok(error.message.includes(file));
    assert.equal(versionOf(file), SCHEMA_VERSION + 5);
  });

  it('says FOOTFALL_ERR_STORE_UNAVAILABLE for a missing directory, and FOOTFALL_ERR_NOT_A_STORE for a file that is not a database', () => {
    const missing = storeError(() => createSqliteStore({ file: join(dir, 'no-such-dir', 'hits.db') }));
    assert.equal(missing.code, 'FOOTFALL_ERR_STORE_UNAVAILABLE');
    assert.match(missing.message, /no-such-dir.*could not be opened: .*directory exists/);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a SQLite database, just text long enough to fill a header '.repeat(20));
    const refused = storeError(() => createSqliteStore({ file: garbage }));
    assert.equal(refused.code, 'FOOTFALL_ERR_NOT_A_STORE');
    assert.match(refused.message, /not SQLite \(a text file\)/);
  });

  it('applies nothing twice: opening an up-to-date file keeps its data and version', () => {
    const file = join(dir, 'twice.db');
    const first = createSqliteStore({ file });
    first.insert([{ timeMs: D0, protocol: 'ga4', method: 'GET', route: '/', client: 'a', eventName: 'page_view' }], D0);
    first.close();
    const second = createSqliteStore({ file });
    assert.equal(second.count(), 1);
    second.close();
    assert.equal(versionOf(file), SCHEMA_VERSION);
  });
});

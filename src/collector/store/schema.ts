import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError } from '../../errors.js';
import { HOUR_MS, sqlFloorDiv } from './time-grains.js';

/**
 * The store's schema, as an ordered list of migrations. `PRAGMA user_version` holds the
 * version a file is at; opening a file applies the missing migrations in order, each in its
 * own transaction. Migrations are never edited once released: a change is a new migration.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: BetterSqlite3.Database) => void;
}

const HOUR = sqlFloorDiv('time_ms', HOUR_MS);

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'raw hits, the endpoint and client dictionaries, declared routes',
    up: (db) => db.exec(`
      CREATE TABLE endpoints (id INTEGER PRIMARY KEY, method TEXT NOT NULL, route TEXT NOT NULL, UNIQUE (method, route));
      CREATE TABLE clients (id INTEGER PRIMARY KEY, client TEXT NOT NULL UNIQUE);
      CREATE TABLE hits (
        id INTEGER PRIMARY KEY,
        time_ms INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        endpoint_id INTEGER NOT NULL,
        client_id INTEGER NOT NULL,
        status INTEGER,
        duration_ms REAL,
        dur_bucket INTEGER,
        title TEXT,
        host TEXT,
        user_id TEXT,
        event_name TEXT NOT NULL,
        protocol TEXT NOT NULL
      );
      CREATE INDEX hits_time ON hits (time_ms);
      CREATE TABLE routes (method TEXT NOT NULL, route TEXT NOT NULL, PRIMARY KEY (route, method)) WITHOUT ROWID;
    `),
  },
  {
    version: 2,
    description: 'hourly and daily rollups for fast reports; the hourly ones are built from the hits already stored',
    // The daily rollups start empty with no day folded: readers use the hourly rollups for
    // every day until the next write folds the old days (see fold-days.ts).
    up: (db) => db.exec(`
      CREATE TABLE hourly (
        hour INTEGER NOT NULL, endpoint_id INTEGER NOT NULL,
        hits INTEGER NOT NULL, server_errors INTEGER NOT NULL, client_errors INTEGER NOT NULL, known_status INTEGER NOT NULL,
        first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
        PRIMARY KEY (hour, endpoint_id)
      ) WITHOUT ROWID;
      CREATE TABLE hourly_durations (hour INTEGER NOT NULL, endpoint_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (hour, endpoint_id, bucket)) WITHOUT ROWID;
      CREATE TABLE hourly_clients (hour INTEGER NOT NULL, endpoint_id INTEGER NOT NULL, client_id INTEGER NOT NULL, PRIMARY KEY (hour, endpoint_id, client_id)) WITHOUT ROWID;
      CREATE TABLE daily_durations (day INTEGER NOT NULL, endpoint_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, endpoint_id, bucket)) WITHOUT ROWID;
      CREATE TABLE client_days (block INTEGER NOT NULL, endpoint_id INTEGER NOT NULL, client_id INTEGER NOT NULL, days INTEGER NOT NULL, PRIMARY KEY (block, endpoint_id, client_id)) WITHOUT ROWID;
      CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

      INSERT INTO hourly
        SELECT ${HOUR}, endpoint_id, count(*), count(CASE WHEN status >= 500 THEN 1 END),
          count(CASE WHEN status >= 400 AND status < 500 THEN 1 END), count(status), min(time_ms), max(time_ms)
        FROM hits GROUP BY 1, 2;
      INSERT INTO hourly_durations SELECT ${HOUR}, endpoint_id, dur_bucket, count(*) FROM hits WHERE dur_bucket IS NOT NULL GROUP BY 1, 2, 3;
      INSERT INTO hourly_clients SELECT DISTINCT ${HOUR}, endpoint_id, client_id FROM hits;
    `),
  },
  {
    version: 3,
    description: 'hit ids: a hit whose (client, hit id) is already stored is not stored again',
    // Rows already in the file have no id (NULL), and hits without an id are never merged.
    up: (db) => db.exec(`
      ALTER TABLE hits ADD COLUMN hit_id TEXT;
      CREATE UNIQUE INDEX hits_client_hit_id ON hits (client_id, hit_id) WHERE hit_id IS NOT NULL;
    `),
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a database up to `targetVersion` (default: the latest). Each step runs in an
 * IMMEDIATE transaction that re-reads the version first, so two processes opening the same
 * file at once do not both apply it. A file newer than this code is refused.
 */
export function migrate(db: BetterSqlite3.Database, file: string, targetVersion = SCHEMA_VERSION): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) throw new FootfallError('FOOTFALL_ERR_STORE_TOO_NEW', file, String(found), String(SCHEMA_VERSION));
  for (const migration of MIGRATIONS) {
    if (migration.version <= found || migration.version > targetVersion) continue;
    db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export function userVersion(db: BetterSqlite3.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

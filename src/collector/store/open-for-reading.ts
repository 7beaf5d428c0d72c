import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError, isFootfallError } from '../../errors.js';
import { migrate, SCHEMA_VERSION, userVersion } from './schema.js';
import { createStoreOn, openWithDriver } from './sqlite-store.js';
import type { Store } from './store.js';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables every Footfall store has had since schema version 1. */
const STORE_TABLES = ['clients', 'endpoints', 'hits', 'routes'];

/**
 * A store for commands that only read (`footfall report`): the file must already be a
 * Footfall store, and it is never changed, nor are -wal/-shm files created next to it.
 *
 * - A collector has it open (its `-wal` file exists): a read-only connection, which sees the
 *   newest commits.
 * - Otherwise the file is self-contained: it is read into memory and opened there (a read-only
 *   connection to a WAL file would leave -wal/-shm behind). A store of an older schema is
 *   migrated in that copy only.
 *
 * Anything else is refused with FOOTFALL_ERR_NOT_A_STORE, saying what the file is.
 */
export function openStoreForReading(file: string): Store {
  const found = sniff(file);
  if (found !== undefined) throw notAStore(file, found);
  const db = openDatabase(file);
  try {
    checkTables(db, file);
    return createStoreOn(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** What the file is when its first bytes show it is no SQLite database; undefined when it may be one. */
function sniff(file: string): string | undefined {
  const head = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let size: number;
  try {
    size = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (size === 0) return 'an empty file (0 bytes)';
  if (size < head.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    return `not SQLite (${looksLikeText(head.subarray(0, size)) ? 'a text file' : 'a binary file without the SQLite header'})`;
  }
  return undefined;
}

function looksLikeText(bytes: Buffer): boolean {
  return !bytes.includes(0) && !bytes.toString('utf8').includes('\uFFFD');
}

function openDatabase(file: string): BetterSqlite3.Database {
  return openWithDriver(file, (Database) => {
    if (existsSync(`${file}-wal`)) return new Database(file, { readonly: true, fileMustExist: true });
    const copy = readFileSync(file);
    // Bytes 18-19 say WAL (2); an in-memory copy must say rollback journal (1) to open.
    copy[18] = 1;
    copy[19] = 1;
    return new Database(copy);
  });
}

/** Refuses a SQLite file without Footfall's tables; brings an in-memory copy of an older store up to date. */
function checkTables(db: BetterSqlite3.Database, file: string): void {
  let tables: string[];
  let version: number;
  try {
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as unknown[]).map(String);
    version = userVersion(db);
  } catch (error) {
    throw notAStore(file, `a damaged SQLite database (${error instanceof Error ? error.message : String(error)})`);
  }
  if (version > SCHEMA_VERSION) throw new FootfallError('FOOTFALL_ERR_STORE_TOO_NEW', JSON.stringify(file), String(version), String(SCHEMA_VERSION));
  if (tables.length === 0) throw notAStore(file, 'a SQLite database with no tables');
  if (version === 0 || STORE_TABLES.some((name) => !tables.includes(name))) {
    const listed = tables.length > 6 ? `${tables.slice(0, 6).join(', ')}, ...` : tables.join(', ');
    throw notAStore(file, `a SQLite database without Footfall's tables (it has: ${listed})`);
  }
  if (version === SCHEMA_VERSION) return;
  if (db.readonly) throw notAStore(file, `a Footfall store at schema version ${version} that a collector of an older Footfall has open (this one reads version ${SCHEMA_VERSION})`);
  migrateCopy(db, file);
}

function migrateCopy(db: BetterSqlite3.Database, file: string): void {
  try {
    migrate(db, file);
  } catch (error) {
    if (isFootfallError(error)) throw error;
    throw notAStore(file, `a damaged Footfall store (${error instanceof Error ? error.message : String(error)})`);
  }
}

function notAStore(file: string, found: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_NOT_A_STORE', JSON.stringify(file), found);
}

import { existsSync, readFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError, isFootfallError } from '../../errors.js';
import { migrate, SCHEMA_VERSION, userVersion } from './schema.js';
import { foreignTables, notAStore, sniffFile } from './identify-file.js';
import { createStoreOn, openWithDriver } from './sqlite-store.js';
import type { Store } from './store.js';

/**
 * A store for commands that only read (`footfall report`): the file must already be a
 * Footfall store, and it is never changed, nor are -wal/-shm files left next to it.
 *
 * - A collector has it open (its `-wal` file exists): a read-only connection, which sees the
 *   newest commits.
 * - Otherwise, a store of this version: a writable connection that may not write (`query_only`),
 *   reading the file in place, only the pages a report needs. Being writable, it removes the
 *   -wal/-shm it made when it closes, which a read-only connection cannot do.
 * - Anything else (an older store, a file or folder it may not write, a `-journal` beside it,
 *   a file that is not a store): the file is read into memory and opened there. An older store
 *   is migrated in that copy only.
 *
 * Anything that is not a store is refused with FOOTFALL_ERR_NOT_A_STORE, saying what the file is.
 */
export function openStoreForReading(file: string): Store {
  const found = sniffFile(file);
  if (found !== undefined) throw notAStore(file, found === 'empty' ? 'an empty file (0 bytes)' : found);
  const db = openDatabase(file);
  try {
    checkTables(db, file);
    return createStoreOn(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

function openDatabase(file: string): BetterSqlite3.Database {
  return openWithDriver(file, (Database) => {
    if (existsSync(`${file}-wal`)) return new Database(file, { readonly: true, fileMustExist: true });
    return openInPlace(Database, file) ?? openCopy(Database, file);
  });
}

/**
 * The file itself, when it is a store of this version that this process may write beside (the
 * connection never writes: query_only). Reading a copy instead read all of a 1 M-hit store
 * (135 MiB) and deserialised it: 0.8 s of the 1.1 s `footfall report` took (bench/store).
 * Undefined when a copy must do: a `-journal` beside the file (a writable connection would roll
 * it back into the file), a write-protected file (SQLite then opens it read-only, which would
 * leave -wal/-shm behind), a folder where -wal/-shm cannot be made, another schema version.
 */
function openInPlace(Database: typeof BetterSqlite3, file: string): BetterSqlite3.Database | undefined {
  if (existsSync(`${file}-journal`)) return undefined;
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('query_only = ON');
    if (!db.readonly && userVersion(db) === SCHEMA_VERSION) return db;
  } catch {
    // Read in a copy, which says what is wrong with the file if anything is.
  }
  db?.close();
  return undefined;
}

function openCopy(Database: typeof BetterSqlite3, file: string): BetterSqlite3.Database {
  const copy = readFileSync(file);
  // Bytes 18-19 say WAL (2); an in-memory copy must say rollback journal (1) to open.
  copy[18] = 1;
  copy[19] = 1;
  return new Database(copy);
}

/** Refuses a SQLite file without Footfall's tables; brings an in-memory copy of an older store up to date. */
function checkTables(db: BetterSqlite3.Database, file: string): void {
  let tables: string[];
  let foreign: string | undefined;
  let version: number;
  try {
    version = userVersion(db);
    ({ tables, foreign } = foreignTables(db, version));
  } catch (error) {
    throw notAStore(file, `a damaged SQLite database (${error instanceof Error ? error.message : String(error)})`);
  }
  if (version > SCHEMA_VERSION) throw new FootfallError('FOOTFALL_ERR_STORE_TOO_NEW', JSON.stringify(file), String(version), String(SCHEMA_VERSION));
  if (tables.length === 0) throw notAStore(file, 'a SQLite database with no tables');
  if (foreign !== undefined) throw notAStore(file, foreign);
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

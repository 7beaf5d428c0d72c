import { existsSync, readFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError, isFootfallError } from '../../errors.js';
import { migrate, SCHEMA_VERSION, userVersion } from './schema.js';
import { foreignTables, notAStore, sniffFile } from './identify-file.js';
import { createStoreOn, openWithDriver } from './sqlite-store.js';
import type { Store } from './store.js';

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

import { closeSync, openSync, readSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FootfallError } from '../../errors.js';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables every Footfall store has had since schema version 1. */
const STORE_TABLES = ['clients', 'endpoints', 'hits', 'routes'];

/**
 * What an existing file is when its first bytes show it is no SQLite database: `'empty'` for a
 * 0-byte file, a description otherwise; undefined when it may be one.
 */
export function sniffFile(file: string): 'empty' | string | undefined {
  const head = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let size: number;
  try {
    size = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (size === 0) return 'empty';
  if (size < head.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    return `not SQLite (${looksLikeText(head.subarray(0, size)) ? 'a text file' : 'a binary file without the SQLite header'})`;
  }
  return undefined;
}

function looksLikeText(bytes: Buffer): boolean {
  return !bytes.includes(0) && !bytes.toString('utf8').includes('\uFFFD');
}

/** The database's tables, and what it is when it has tables but not Footfall's (undefined when it has all of them, or none). */
export function foreignTables(db: BetterSqlite3.Database, version: number): { tables: string[]; foreign: string | undefined } {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as unknown[]).map(String);
  if (tables.length === 0 || (version !== 0 && STORE_TABLES.every((name) => tables.includes(name)))) return { tables, foreign: undefined };
  const listed = tables.length > 6 ? `${tables.slice(0, 6).join(', ')}, ...` : tables.join(', ');
  return { tables, foreign: `a SQLite database without Footfall's tables (it has: ${listed})` };
}

export function notAStore(file: string, found: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_NOT_A_STORE', `file ${JSON.stringify(file)}`, found);
}

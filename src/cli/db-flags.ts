import type { Command } from 'commander';
import type { StoreLocation } from '../collector/store/open-store.js';
import { isPostgresUrl } from '../collector/store/open-store.js';
import type { CliIo } from './run.js';
import { EXIT } from './run.js';

/** The SQLite file commands use when neither --db nor FOOTFALL_DB says otherwise. */
export const DEFAULT_DB = './footfall.db';

/**
 * Where a command's store is: `--db`, else `$FOOTFALL_DB`, else ./footfall.db; `--db-schema`
 * only with a PostgreSQL URL (a usage error otherwise, naming the flag).
 */
export function resolveDbFlags(flags: { db?: string; dbSchema?: string }, io: CliIo, command: Command): StoreLocation {
  const fromEnv = io.env.FOOTFALL_DB;
  const db = flags.db ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DB);
  if (flags.dbSchema === undefined) return { db };
  if (!isPostgresUrl(db)) {
    return command.error(`error: option '--db-schema <name>' needs a PostgreSQL --db (postgres://user@host:5432/db); ${flags.db === undefined ? (fromEnv === undefined || fromEnv === '' ? 'the default' : 'FOOTFALL_DB') : '--db'} is the SQLite file ${JSON.stringify(db)}.`, { exitCode: EXIT.usage, code: 'footfall.usage' });
  }
  return { db, schema: flags.dbSchema };
}

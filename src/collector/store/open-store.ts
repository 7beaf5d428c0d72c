import { FootfallError, describeValue } from '../../errors.js';
import { openStoreForReading } from './open-for-reading.js';
import { createSqliteStore } from './sqlite-store.js';
import { parsePostgresTarget } from './postgres/postgres-target.js';
import type { AsyncStore } from './store.js';
import { asAsyncStore } from './store.js';

/** What `--db` / FOOTFALL_DB names: a PostgreSQL URL, or a SQLite file (`:memory:` for none). */
export interface StoreLocation {
  /** `postgres://…` or `postgresql://…`, else a SQLite file path or `:memory:`. */
  readonly db: string;
  /** PostgreSQL only: the schema that holds the tables. @default 'public' */
  readonly schema?: string;
}

/** How to name the location in a banner or a message: never with a password. */
export function describeLocation(location: StoreLocation): string {
  if (location.db === ':memory:') return 'in memory';
  if (!isPostgresUrl(location.db)) return location.db;
  const { label, schema } = parsePostgresTarget(location.db, location.schema);
  return `PostgreSQL ${label} (schema ${schema})`;
}

/** True when `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

/**
 * Opens the store a collector or an import writes to: PostgreSQL for a `postgres://` URL
 * (schema created and migrated under an advisory lock), else a SQLite file (created and
 * migrated) or `:memory:`. The `pg` package is loaded only for a URL.
 */
export async function openStore(location: StoreLocation): Promise<AsyncStore> {
  const { db } = checkLocation(location);
  if (!isPostgresUrl(db)) {
    if (location.schema !== undefined) throw schemaWithFile(location.schema);
    return asAsyncStore(createSqliteStore({ file: db }));
  }
  const { createPostgresStore } = await import('./postgres/postgres-store.js');
  return createPostgresStore({ url: db, ...(location.schema === undefined ? {} : { schema: location.schema }) });
}

/**
 * Opens a store for a command that only reads (`footfall report`): never creates nor alters
 * it. A SQLite file must already be a store (see open-for-reading.ts); a PostgreSQL schema must
 * already hold one at this version, and the connection is read-only.
 */
export async function openStoreReadOnly(location: StoreLocation): Promise<AsyncStore> {
  const { db } = checkLocation(location);
  if (!isPostgresUrl(db)) {
    if (location.schema !== undefined) throw schemaWithFile(location.schema);
    return asAsyncStore(openStoreForReading(db));
  }
  const { createPostgresStore } = await import('./postgres/postgres-store.js');
  return createPostgresStore({ url: db, readOnly: true, ...(location.schema === undefined ? {} : { schema: location.schema }) });
}

function checkLocation(location: StoreLocation): StoreLocation {
  if (typeof location.db !== 'string' || location.db === '') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'db', 'a SQLite file path, ":memory:" or a postgres:// URL', describeValue(location.db));
  }
  return location;
}

function schemaWithFile(schema: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'schema', 'left out with a SQLite file (a schema says where the tables live in PostgreSQL: pass a postgres:// URL, or drop the schema)', describeValue(schema));
}

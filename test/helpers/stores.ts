import { after } from 'node:test';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/collector/store/sqlite-store.js';
import type { AsyncStore } from '../../src/collector/store/store.js';
import { asAsyncStore } from '../../src/collector/store/store.js';
import { PG_URL, dropSchema, testSchema } from './postgres.js';

/**
 * Both stores (PostgreSQL twice: rollups merged rarely and after every write), each opened fresh per call: SQLite in memory, and PostgreSQL in a schema of its
 * own. Call at a test file's top level: the file's PostgreSQL schemas are dropped after it.
 */
export function bothStores(): Record<'sqlite' | 'postgres' | 'postgres, merging after every write', () => Promise<AsyncStore>> {
  const schemas: string[] = [];
  after(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });
  return {
    sqlite: () => Promise.resolve(asAsyncStore(createSqliteStore({ file: ':memory:' }))),
    postgres: () => {
      const schema = testSchema();
      schemas.push(schema);
      return createPostgresStore({ url: PG_URL, schema });
    },
    // The rollup rows a write appends are merged into the rollups in the background: most reads
    // of this one meet them merged, most of the default's (20 000 rows a merge) meet them pending.
    'postgres, merging after every write': () => {
      const schema = testSchema();
      schemas.push(schema);
      return createPostgresStore({ url: PG_URL, schema, pendingRowsPerMerge: 1 });
    },
  };
}

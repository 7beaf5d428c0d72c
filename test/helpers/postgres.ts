import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the store tests use: FOOTFALL_PG_URL, else this machine's (trust auth; .ci/run starts it). */
export const PG_URL = process.env.FOOTFALL_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name of the test's own (`fftest_<random>`): its tables share nothing with another test's. */
export function testSchema(): string {
  return `fftest_${randomBytes(5).toString('hex')}`;
}

/** Runs SQL as the test URL's user (DDL for the tests' own schemas and roles). */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^fftest_[0-9a-z_]+$/.test(schema)) throw new Error(`not a test schema: ${schema}`);
  await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

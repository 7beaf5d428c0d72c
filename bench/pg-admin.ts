// The PostgreSQL the benches use, and one-off statements on it (dropping a bench schema,
// VACUUM, the server's version). Benches do not import test helpers; this is their own.
import pg from 'pg';

export const PG_URL = process.env.FOOTFALL_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement on a connection of its own, closed after. */
export async function pgQuery<T extends pg.QueryResultRow>(sql: string, values: readonly unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, [...values])).rows;
  } finally {
    await client.end();
  }
}

/** `SHOW server_version`, for the figures' heading. */
export async function pgVersion(): Promise<string> {
  return (await pgQuery<{ server_version: string }>('SHOW server_version'))[0]?.server_version ?? '?';
}

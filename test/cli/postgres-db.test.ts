// `--db postgres://…` for `footfall collector` and `footfall report` (in-process CLI, real
// PostgreSQL): the store is chosen by the URL (or FOOTFALL_DB), the banner names it without
// its password, a report reads it without creating or changing anything, and a database it
// cannot use is a clear error that never shows the password.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { runCli } from '../../src/cli/run.js';
import { cliWith } from '../helpers/cli.js';
import { PG_URL, adminQuery, dropSchema, testSchema } from '../helpers/postgres.js';

/** Polls every 20 ms (PostgreSQL's migrations take a while on a loaded machine); fails after timeoutMs, a bound on a hang. */
async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const schemas: string[] = [];
after(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

/** The test URL with a password in it: trust auth ignores it, and no output may show it. */
const SECRET = 'hunter2-not-shown';
const WITH_PASSWORD = PG_URL.replace('://postgres@', `://postgres:${SECRET}@`);

async function schemaExists(schema: string): Promise<boolean> {
  return (await adminQuery('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).rowCount === 1;
}

function ga4Body(clientId: string, path: string, hitId: string): string {
  return JSON.stringify({ client_id: clientId, events: [{ name: 'page_view', params: { page_location: `https://api.example.com${path}`, page_title: `GET ${path}`, hit_id: hitId } }] });
}

describe('footfall collector --db postgres://… and footfall report on it', () => {
  it('stores in the schema given, names the database without its password, and the report reads the same counts', async (t) => {
    const schema = testSchema();
    schemas.push(schema);
    let stdout = '';
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    // --db from FOOTFALL_DB, --db-schema on the command line.
    const running = runCli(['collector', '--port', '0', '--db-schema', schema, '--quiet'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: { FOOTFALL_DB: WITH_PASSWORD }, untilStopped: () => stopped });
    t.after(() => stop()); // a failed assertion must not leave the collector running
    await until(() => /listening on (http:\/\/\S+)/.test(stdout) || /footfall: /.test(stdout), 'the banner', 20_000);
    const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
    assert.match(stdout, new RegExp(`storage +PostgreSQL postgres://postgres@127\\.0\\.0\\.1:5432/test \\(schema ${schema}\\)`));
    const sent = [['1.1', '/v1/a', 'h1'], ['1.2', '/v1/a', 'h2'], ['1.1', '/v1/b', 'h3'], ['1.1', '/v1/a', 'h1']] as const;
    for (const [client, path, hitId] of sent) {
      const answer = await request(`${url}/mp/collect?measurement_id=G-X&api_secret=s`, { method: 'POST', body: ga4Body(client, path, hitId) });
      await answer.body.dump();
      assert.equal(answer.statusCode, 204);
    }
    stop();
    assert.equal(await running, 0);
    assert.match(stdout, /collector stopped: 3 hits stored from 4 requests; 0 requests refused \(0 on purpose\); 1 duplicate hits ignored/);
    assert.ok(!stdout.includes(SECRET), stdout);

    const report = await cliWith({}, 'report', '--db', WITH_PASSWORD, '--db-schema', schema, '--format', 'json');
    assert.equal(report.code, 0, report.stderr);
    const parsed = JSON.parse(report.stdout) as { endpoints: { route: string; hits: number; clients: number }[] };
    assert.deepEqual(parsed.endpoints.map(({ route, hits, clients }) => ({ route, hits, clients })), [{ route: '/v1/a', hits: 2, clients: 2 }, { route: '/v1/b', hits: 1, clients: 1 }]);
  });

  it('report on a schema with no store says so, and creates nothing', async () => {
    const schema = testSchema();
    const { code, stderr } = await cliWith({}, 'report', '--db', WITH_PASSWORD, '--db-schema', schema);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`database postgres://postgres@127\\.0\\.0\\.1:5432/test \\(schema ${schema}\\) is not a Footfall hit store: it is a PostgreSQL schema without Footfall's tables`));
    assert.ok(!stderr.includes(SECRET));
    assert.equal(await schemaExists(schema), false);
  });

  it('--db-schema with a SQLite --db is a usage error naming the flag', async () => {
    const { code, stderr } = await cliWith({}, 'report', '--db', 'hits.db', '--db-schema', 'x');
    assert.equal(code, 2);
    assert.match(stderr, /option '--db-schema <name>' needs a PostgreSQL --db .*; --db is the SQLite file "hits\.db"/);
  });

  it('a database that does not answer: exit 1, FOOTFALL_ERR_DATABASE_UNREACHABLE, the URL without its password', async () => {
    const { code, stderr } = await cliWith({}, 'collector', '--port', '0', '--db', `postgres://postgres:${SECRET}@127.0.0.1:1/test`);
    assert.equal(code, 1);
    assert.match(stderr, /PostgreSQL at .* could not be reached: ECONNREFUSED/);
    assert.match(stderr, /postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
    assert.ok(!stderr.includes(SECRET), stderr);
  });
});

// Several collectors, one database (issue 16): two `footfall collector` processes (the built CLI)
// on one PostgreSQL schema, started at the same moment (the migrations run under an advisory
// lock). GA4 hits go over HTTP to both, some requests sent again to the other collector (a
// retry through a load balancer, at once or later); then `/api/endpoints` of each and
// `footfall report --format json` equal what was sent, each hit once. Then one collector is
// killed (SIGKILL) mid-ingest and its unanswered requests go to the other: still exact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { request } from 'undici';
import { spawnLines, type LineChild } from '../helpers/child-lines.js';
import type { MpRequest, Usage } from '../helpers/mp-traffic.js';
import { createClientAgent, createMpTraffic, expectedUsage, postMp, sendAll, until, usageOf } from '../helpers/mp-traffic.js';
import { PG_MIGRATIONS } from '../../src/collector/store/postgres/migrations.js';
import { PG_URL, adminQuery, dropSchema, testSchema } from '../helpers/postgres.js';

const run = promisify(execFile);
const CLI = 'dist/cli/main.js';

/** `footfall collector` from dist on a free port, on the schema; resolves with its URL once it listens. */
async function startCollectorProcess(schema: string): Promise<{ child: LineChild; url: string }> {
  const child = spawnLines(CLI, {}, ['collector', '--port', '0', '--db', PG_URL, '--db-schema', schema, '--quiet']);
  const banner = await child.waitFor((line) => line.includes('listening on http://'), 'the collector\'s banner');
  return { child, url: /listening on (http:\/\/\S+)/.exec(banner)?.[1] ?? '' };
}

async function apiUsage(url: string): Promise<Usage> {
  const response = await request(`${url}/api/endpoints`);
  assert.equal(response.statusCode, 200);
  return usageOf((await response.body.json()) as Parameters<typeof usageOf>[0]);
}

async function reportUsage(schema: string): Promise<Usage> {
  const { stdout } = await run(process.execPath, [CLI, 'report', '--db', PG_URL, '--db-schema', schema, '--format', 'json', '--since', '1d']);
  return usageOf(JSON.parse(stdout) as Parameters<typeof usageOf>[0]);
}

async function storedRows(schema: string): Promise<number> {
  return Number((await adminQuery(`SELECT count(*) AS n FROM ${schema}.hits`)).rows[0]?.n);
}

/** Single consumers of 1-25 events, and /mp/batch of several consumers, as trackers and workers send them. */
function workload(prefix: string, count: number): MpRequest[] {
  const traffic = createMpTraffic(prefix, 80);
  return Array.from({ length: count }, (_, i) => (i % 4 === 3 ? traffic.batch(4, 6) : traffic.collect(1 + ((i * 11) % 25))));
}

describe('two collector processes on one PostgreSQL schema', () => {
  const schema = testSchema();
  const agent = createClientAgent(30_000);
  let a: { child: LineChild; url: string };
  let b: { child: LineChild; url: string };
  const sent: MpRequest[] = [];
  before(async () => {
    // At the same moment, on a schema that does not exist yet: one creates it, the other waits on the lock.
    [a, b] = await Promise.all([startCollectorProcess(schema), startCollectorProcess(schema)]);
  });
  after(async () => {
    await Promise.all([a.child.kill(), b.child.kill()]);
    await agent.close();
    await dropSchema(schema);
  });

  it('started together: each migration applied once, both listening', async () => {
    const { rows } = await adminQuery(`SELECT version FROM ${schema}.footfall_schema ORDER BY version`);
    assert.deepEqual(rows.map((row: { version: number }) => row.version), PG_MIGRATIONS.map((migration) => migration.version));
    assert.notEqual(a.url, b.url);
  });

  it('hits sent to both, a third of the requests sent again to the other (at once or after): both APIs and footfall report give the totals of both, each hit once', async () => {
    const requests = workload('fleet1', 360);
    sent.push(...requests);
    const collectors = [a.url, b.url];
    const log = await sendAll(requests, { workers: 12, dispatcher: agent, pick: (i) => collectors[i % 2] as string });
    assert.ok(log.every((tries) => tries.length === 1 && tries[0]?.status === 204), 'every request stored at the first try');
    // Retries through a load balancer that picked the other collector: some while the first is answered, some long after.
    const retried = requests.filter((_, i) => i % 3 === 0);
    const answers = await Promise.all(retried.flatMap((again, j) => {
      const i = requests.indexOf(again);
      const other = collectors[(i + 1) % 2] as string;
      return j % 2 === 0 ? [postMp(other, again, agent)] : [postMp(other, again, agent), postMp(collectors[i % 2] as string, again, agent)];
    }));
    assert.ok(answers.every((answer) => 'status' in answer && answer.status === 204), JSON.stringify(answers.find((answer) => !('status' in answer) || answer.status !== 204)));
    const expected = expectedUsage(sent);
    assert.equal(expected.hits, requests.reduce((sum, r) => sum + r.hits.length, 0), 'the workload has no repeated hit id');
    assert.deepEqual(await apiUsage(a.url), expected);
    assert.deepEqual(await apiUsage(b.url), expected);
    assert.deepEqual(await reportUsage(schema), expected);
    assert.equal(await storedRows(schema), expected.hits);
  });

  it('one collector killed (SIGKILL) mid-ingest: its unanswered requests go to the other; totals stay exact', async () => {
    const requests = workload('fleet2', 400);
    sent.push(...requests);
    let answered = 0;
    // A load balancer: alternate while both live; a request whose collector gave no answer goes to the other.
    const delivery = sendAll(requests, {
      workers: 12, dispatcher: agent, pauseMs: 5,
      pick: (i, attempt) => ((i + attempt) % 2 === 0 ? a.url : b.url),
      onAttempt: (attempt) => void (attempt.status === 204 && answered++),
    });
    await until(() => answered >= 120, '120 requests answered before the kill');
    await a.child.kill();
    const log = await delivery;
    const attempts = log.flat();
    assert.ok(attempts.some((attempt) => attempt.target === a.url && attempt.error !== undefined), 'some requests to the killed collector got no answer');
    assert.ok(attempts.every((attempt) => attempt.status === 204 || attempt.error !== undefined), 'nothing but 204 or no answer');
    assert.ok(log.every((tries) => tries.at(-1)?.status === 204), 'every request stored in the end');
    const expected = expectedUsage(sent);
    assert.deepEqual(await apiUsage(b.url), expected);
    assert.deepEqual(await reportUsage(schema), expected);
    assert.equal(await storedRows(schema), expected.hits);
  });
});

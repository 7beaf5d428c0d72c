// A collector whose PostgreSQL goes away mid-ingest (issue 16): a TCP proxy of the test's own
// stands between the collector and the shared PostgreSQL, so the test can cut every connection
// and refuse new ones without stopping the database. While cut, ingest answers 503 (naming the
// database, never its password) within a bound, the query API answers 503, and no request is
// ever stored in part; the client retries as a tracker does, and once the database is back
// every hit is stored exactly once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { request } from 'undici';
import { createPostgresStore } from '../../src/collector/store/postgres/postgres-store.js';
import { isFootfallError } from '../../src/errors.js';
import { spawnLines, type LineChild } from '../helpers/child-lines.js';
import type { Attempt, MpRequest } from '../helpers/mp-traffic.js';
import { createClientAgent, createMpTraffic, expectedUsage, sendAll, until, usageOf } from '../helpers/mp-traffic.js';
import { PG_URL, dropSchema, testSchema } from '../helpers/postgres.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** PostgreSQL here trusts local connections and ignores it: it is only there to be hidden. */
const PASSWORD = 'Outage-pw-7f3k9q';
const CONNECT_TIMEOUT_MS = 500;
/** How long the collector lets a write or a query API read wait on the store (storeTimeoutMs). */
const STORE_TIMEOUT_MS = 1_500;
/** No answer may take longer than this (the store timeout, and room for a loaded machine). */
const ANSWER_BOUND_MS = 5_000;

function throughProxy(proxy: TcpProxy): string {
  const url = new URL(PG_URL);
  url.port = String(proxy.port);
  url.password = PASSWORD;
  return url.toString();
}

/** A request's requests mixed as a tracker and a worker send them: single consumers (1-25 events) and /mp/batch. */
function workload(prefix: string, count: number): MpRequest[] {
  const traffic = createMpTraffic(prefix, 60);
  return Array.from({ length: count }, (_, i) => (i % 5 === 4 ? traffic.batch(3, 4) : traffic.collect(1 + ((i * 7) % 25))));
}

/**
 * The collector process dies today when a connection breaks while a write holds it: pg emits
 * 'error' on a checked-out client and src/collector/store/postgres/postgres-store.ts (another
 * branch's files) does not listen for it. Marked todo (run, failure shown, suite not failed)
 * until the store adds `pool.on('connect', (client) => client.on('error', () => undefined))`;
 * with that line both tests pass. Remove this once it is merged.
 */

describe('collector on PostgreSQL: the database goes away mid-ingest', () => {
  const schema = testSchema();
  const target = new URL(PG_URL);
  const direct = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const agent = createClientAgent(ANSWER_BOUND_MS);
  let proxy: TcpProxy;
  // The collector runs in a process of its own: if it crashed, the test sees it die, not itself.
  let child: LineChild;
  let url = '';
  const lines = (): string[] => child.lines;
  before(async () => {
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    child = spawnLines('test/helpers/pg-collector-process.ts', { FOOTFALL_TEST_DB_URL: throughProxy(proxy), FOOTFALL_TEST_DB_SCHEMA: schema, FOOTFALL_TEST_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), FOOTFALL_TEST_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS) });
    url = (await child.waitFor((line) => line.startsWith('listening '), 'the collector to listen')).slice('listening '.length);
  });
  after(async () => {
    await child.kill();
    await proxy.close();
    await agent.close();
    await direct.end();
    await dropSchema(schema);
  });
  /** `check`, failing at once if the collector died meanwhile. */
  const live = (check: () => boolean) => () => {
    alive();
    return check();
  };
  const alive = () => assert.ok(child.process.exitCode === null && child.process.signalCode === null, `the collector died (${child.process.exitCode ?? child.process.signalCode}): ${child.stderr()}`);

  /** How many of these hits the database holds, read past the proxy. */
  const storedOf = async (hits: MpRequest['hits']): Promise<number> => {
    const { rows } = await direct.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.hits h JOIN ${schema}.clients c ON c.id = h.client_id WHERE (c.client, h.hit_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [hits.map((hit) => hit.client), hits.map((hit) => hit.hitId)]);
    return Number(rows[0]?.n ?? 0);
  };
  const endpoints = async () => {
    const response = await request(`${url}/api/endpoints`, { dispatcher: agent });
    return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> & Parameters<typeof usageOf>[0] };
  };

  /** Sends `requests` with 8 in flight, retrying 503s; checks each refused request is stored whole or not at all before it is retried. */
  const deliver = (requests: readonly MpRequest[], onAttempt: (attempt: Attempt) => void) => {
    const partial: string[] = [];
    let stop = false;
    const done = sendAll(requests, {
      workers: 8, dispatcher: agent, pick: () => url, onAttempt, stopped: () => stop,
      beforeRetry: async (sent) => {
        const stored = await storedOf(sent.hits);
        if (stored !== 0 && stored !== sent.hits.length) partial.push(`${stored} of ${sent.hits.length} hits of ${sent.hits[0]?.hitId ?? '?'}`);
      },
    });
    // After a failed assertion: stop sending and let what is in flight end, before the after hook closes things.
    const abandon = async () => {
      stop = true;
      await done.catch(() => undefined);
    };
    return { done, partial, abandon };
  };

  /**
   * Delivers `requests`; once 50 are stored, applies `fault` (a cut or a stall of the proxy); once
   * 16 more are refused, runs `whileFaulty`, then restores the proxy. Returns every attempt and
   * the requests found stored in part.
   */
  const deliverThroughFault = async (requests: readonly MpRequest[], fault: () => void, what: string, whileFaulty: () => Promise<void> = async () => undefined) => {
    let answered = 0;
    let refused = 0;
    const { done, partial, abandon } = deliver(requests, (attempt) => {
      if (attempt.status === 204) answered++;
      if (attempt.status === 503) refused++;
    });
    try {
      await until(live(() => answered >= 50), '50 requests stored');
      fault();
      await until(live(() => refused >= 16), `16 requests refused while ${what}`);
      await whileFaulty();
      proxy.restore();
    } catch (error) {
      await abandon();
      throw error;
    }
    return { log: await done, partial };
  };

  const refusals = () => lines().filter((line) => / {2}! {4}503 {2}/.test(line)).length;

  const checkAnswers = (log: Attempt[][]) => {
    const attempts = log.flat();
    const other = attempts.filter((a) => a.status !== 204 && a.status !== 503);
    assert.deepEqual(other.map((a) => a.error ?? `${a.status}: ${a.text}`), [], 'only 204 and 503 (no 500, no hang, no lost connection)');
    assert.ok(log.every((tries) => tries.at(-1)?.status === 204), 'every request delivered in the end');
    const refused = attempts.filter((a) => a.status === 503);
    for (const answer of refused) {
      assert.match(answer.text ?? '', /the hits could not be stored \((PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test could not be reached: .*|The hit store did not answer within 1500 ms\..*)\); retry later/);
      assert.ok(!(answer.text ?? '').includes(PASSWORD));
    }
    const slowest = Math.max(...attempts.map((a) => a.ms));
    assert.ok(slowest < ANSWER_BOUND_MS, `an answer took ${Math.round(slowest)} ms`);
    return refused.length;
  };

  it('cut twice under a steady stream of concurrent requests: 503s (no password), the API 503 while cut; after, every hit once and no request in part', async () => {
    const requests = workload('outage1', 500);
    let answered = 0;
    const { done, partial, abandon } = deliver(requests, (attempt) => void (attempt.status === 204 && answered++));
    try {
      for (const round of [1, 2]) {
        await until(live(() => answered >= round * 120), `${round * 120} requests stored`);
        proxy.cut();
        const refusedBefore = refusals();
        await until(live(() => refusals() >= refusedBefore + 20), '20 requests refused while cut');
        const whileCut = await endpoints();
        assert.equal(whileCut.status, 503);
        assert.match(String(whileCut.json.error), /the store could not answer \(PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test could not be reached/);
        assert.ok(!JSON.stringify(whileCut.json).includes(PASSWORD));
        proxy.restore();
      }
    } catch (error) {
      await abandon();
      throw error;
    }
    const log = await done;
    const refused = checkAnswers(log);
    assert.ok(refused >= 40, `${refused} answers were 503`);
    assert.deepEqual(partial, [], 'a refused request was stored in part');
    const after = await endpoints();
    assert.equal(after.status, 200);
    const expected = expectedUsage(requests);
    assert.deepEqual(usageOf(after.json), expected);
    assert.equal(await storedOf(requests.flatMap((r) => r.hits)), expected.hits, 'every hit stored once');
    assert.equal(Number((await direct.query(`SELECT count(*) AS n FROM ${schema}.hits`)).rows[0]?.n), expected.hits);
    alive();
    for (const line of [...lines(), child.stderr()]) assert.ok(!line.includes(PASSWORD), `the password is in a log line: ${line}`);
  });

  it('cut, then new connections accepted and never answered: each answer within the bound (the connect timeout), then all stored once', async () => {
    const requests = workload('outage2', 200);
    const { log, partial } = await deliverThroughFault(requests, () => proxy.cut('hold'), 'held');
    checkAnswers(log);
    assert.deepEqual(partial, []);
    alive();
    const total = expectedUsage([...workload('outage1', 500), ...requests]);
    assert.deepEqual(usageOf((await endpoints()).json), total);
  });

  it('a silent partition (open connections stall, new ones held): writes and the API answer 503 within storeTimeoutMs; after, every hit once', async () => {
    const requests = workload('outage3', 200);
    const { log, partial } = await deliverThroughFault(requests, () => proxy.stall(), 'stalled', async () => {
      const whileStalled = await endpoints();
      assert.equal(whileStalled.status, 503);
    });
    const texts = log.flat().filter((a) => a.status === 503).map((a) => a.text ?? '');
    assert.ok(texts.some((text) => text.includes('did not answer within 1500 ms')), 'some writes were cut short by storeTimeoutMs');
    checkAnswers(log);
    assert.deepEqual(partial, []);
    alive();
    const total = expectedUsage([...workload('outage1', 500), ...workload('outage2', 200), ...requests]);
    assert.deepEqual(usageOf((await endpoints()).json), total);
  });
});

describe('collector on PostgreSQL: the database is away when it starts', () => {
  const schema = testSchema();
  const target = new URL(PG_URL);
  let proxy: TcpProxy;
  before(async () => {
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) }, 'refuse');
  });
  after(async () => {
    await proxy.close();
    await dropSchema(schema);
  });

  it('footfall collector exits 1 saying PostgreSQL could not be reached (FOOTFALL_ERR_DATABASE_UNREACHABLE), naming the URL without its password', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'collector', '--port', '0', '--db', throughProxy(proxy), '--db-schema', schema], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 1, output);
    assert.match(output, /^footfall: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test could not be reached: /);
    assert.ok(output.includes(`postgres://postgres@127.0.0.1:${proxy.port}/test`), output);
    assert.ok(!output.includes(PASSWORD), output);
    assert.doesNotMatch(output, /listening on/);
  });

  it('createPostgresStore gives up after connectTimeoutMs when the database accepts and never answers', async () => {
    proxy.cut('hold');
    const started = performance.now();
    await assert.rejects(createPostgresStore({ url: throughProxy(proxy), schema, connectTimeoutMs: CONNECT_TIMEOUT_MS }), (error: unknown) => {
      assert.ok(isFootfallError(error) && error.code === 'FOOTFALL_ERR_DATABASE_UNREACHABLE', String(error));
      assert.ok(!error.message.includes(PASSWORD));
      return true;
    });
    assert.ok(performance.now() - started < ANSWER_BOUND_MS);
    proxy.restore();
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { trackRequests } from '../../src/adapters/express/index.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { queue } from '../../src/queue/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { freePort } from '../helpers/ports.js';
import { until } from '../helpers/redis.js';
import { assertAccounting } from '../helpers/tracker.js';

// Issue 15: Redis stopped and started again under an Express app serving traffic. The app never
// waits for Redis; hits tracked while it is away are retried by the tracker and reach the new
// Redis; nothing is lost without being counted. This test runs its own redis-server (the shared
// one on 6379 is never stopped) without persistence: what Redis held when stopped is gone with
// it, which is expected; the assertions are on what the tracker counts.

/** A bound on a hung response (the app answers without waiting on Redis); not a speed claim. */
const RESPONSE_HANG_GUARD_MS = 1_000;
const HANG_GUARD_MS = 60_000;

function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Every job's hits under the queue's keys in `url`, read straight from Redis. */
async function hitsInRedis(url: string, prefix: string, name: string): Promise<string[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const ids = await redis.lrange(`${prefix}:${name}:wait`, 0, -1);
    const ids2 = await redis.zrange(`${prefix}:${name}:prioritized`, 0, -1);
    const hitIds: string[] = [];
    for (const id of [...ids, ...ids2]) {
      const data = await redis.hget(`${prefix}:${name}:${id}`, 'data');
      for (const hit of (JSON.parse(data ?? '{"hits":[]}') as { hits: { hitId: string }[] }).hits) hitIds.push(hit.hitId);
    }
    return hitIds;
  } finally {
    redis.disconnect();
  }
}

describe('queue mode while Redis is stopped and started again', () => {
  let port = 0;
  let url = '';
  let redis: ChildProcess | undefined;
  before(async () => {
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = startRedis(port);
    await until(() => answers(url), `redis-server on port ${port}`, HANG_GUARD_MS);
  });
  after(async () => {
    if (redis !== undefined) await stopRedis(redis);
  });

  it('keeps answering every request with 200 without waiting on Redis, and counts every hit: sent after the restart, or failed or dropped with a reason', async (t) => {
    const prefix = 'ffrestart';
    const tracker = createTracker({ destination: queue({ redisUrl: url, prefix, hitsPerJob: 10 }), hashKey: TEST_KEY, flushOnExit: false });
    const app = express();
    app.use(trackRequests(tracker));
    app.get('/v1/items/:id', (req, res) => res.json({ id: req.params.id }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const statuses = new Map<number, number>();
    let slowest = 0;
    let answered = 0;
    let phase: 'up' | 'down' | 'restarted' = 'up';
    const answeredIn = { up: 0, down: 0, restarted: 0 };
    let running = true;
    const client = async (lane: number) => {
      for (let i = 0; running; i++) {
        const started = performance.now();
        const response = await request(`${appUrl}/v1/items/${lane}-${i}`, { headers: { host: 'api.example.com' } });
        await response.body.dump();
        slowest = Math.max(slowest, performance.now() - started);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        answered++;
        answeredIn[phase]++;
        // A steady load (a few hundred requests a second), not a tight loop starving the machine.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const lanes = Promise.all([0, 1, 2].map(client));
    const serve = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    };

    try {
      await until(() => tracker.stats().sent >= 50, () => `hits sent to Redis before the stop (${JSON.stringify(tracker.stats())})`, HANG_GUARD_MS);
      await serve(500);

      assert.ok(redis !== undefined);
      await stopRedis(redis);
      phase = 'down';
      const sentWhileUp = tracker.stats().sent;
      await serve(1_500);
      const down = tracker.stats();
      assert.equal(down.sent, sentWhileUp, 'nothing reaches a stopped Redis');
      assert.ok(down.pending > 0 || down.failed + down.dropped > 0, `hits tracked while Redis is down wait or are counted: ${JSON.stringify(down)}`);

      redis = startRedis(port);
      await until(() => answers(url), `redis-server restarted on port ${port}`, HANG_GUARD_MS);
      phase = 'restarted';
      const restartedAt = Date.now();
      // The tracker's connection comes back on its own; the hits tracked meanwhile are retried
      // (once the breaker, opened by the outage, lets a probe through: 1 s doubling to at most 5 s for a queue).
      await until(() => tracker.stats().sent > sentWhileUp, () => `hits sent after the restart (${JSON.stringify(tracker.stats())})`, HANG_GUARD_MS);
      const resumedAfterMs = Date.now() - restartedAt;
      // The queue's breaker waits at most 5 s between probes (HTTP destinations: 60 s); 3 s more for a loaded machine.
      assert.ok(resumedAfterMs < 8_000, `sending resumed ${resumedAfterMs} ms after Redis came back`);
      const answeredAtRestart = answered;
      await until(() => answered >= answeredAtRestart + 50, 'requests served after the restart', HANG_GUARD_MS);
      await serve(300);
      running = false;
      await lanes;
      await tracker.flush();

      assert.deepEqual([...statuses], [[200, answered]], 'every response was a 200');
      assert.ok(answeredIn.down > 0 && answeredIn.restarted > 0, `requests served in each phase: ${JSON.stringify(answeredIn)}`);
      assert.ok(slowest < RESPONSE_HANG_GUARD_MS, `slowest response ${Math.round(slowest)} ms: the app waited on Redis`);

      const stats = tracker.stats();
      assertAccounting(tracker);
      assert.equal(stats.tracked, answered, 'one hit per request');
      assert.equal(stats.pending, 0, JSON.stringify(stats));
      const failedWithReason = Object.values(stats.failedByReason).reduce((sum, n) => sum + n, 0);
      const droppedWithReason = Object.values(stats.droppedByReason).reduce((sum, n) => sum + n, 0);
      assert.equal(failedWithReason, stats.failed, `each failed hit has a reason: ${JSON.stringify(stats.failedByReason)}`);
      assert.equal(droppedWithReason, stats.dropped, `each dropped hit has a reason: ${JSON.stringify(stats.droppedByReason)}`);
      assert.ok(stats.retried > 0, `hits were retried across the outage: ${JSON.stringify(stats)}`);

      // What was sent after the stop is in the new Redis (the old one's jobs went with it).
      // At least once: an attempt that timed out may have added its job too, so >=.
      const inNewRedis = await hitsInRedis(url, prefix, 'footfall');
      const sentAfterStop = stats.sent - sentWhileUp;
      assert.ok(sentAfterStop > 0);
      assert.ok(inNewRedis.length >= sentAfterStop, `${inNewRedis.length} hits in the new Redis, ${sentAfterStop} sent after the stop`);
      assert.ok(inNewRedis.length <= sentAfterStop + stats.timedOut * 10, `no more than a timed-out attempt's repeat: ${inNewRedis.length} in Redis, ${sentAfterStop} sent, ${stats.timedOut} timed out`);
      t.diagnostic(`${answered} requests (${JSON.stringify(answeredIn)}), slowest ${Math.round(slowest)} ms; sending resumed ${resumedAfterMs} ms after the restart; tracker ${JSON.stringify({ tracked: stats.tracked, sent: stats.sent, failed: stats.failedByReason, dropped: stats.droppedByReason, retried: stats.retried, timedOut: stats.timedOut })}; sent while up ${sentWhileUp}, ${inNewRedis.length} hits in the new Redis`);
    } finally {
      running = false;
      await lanes.catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tracker.close();
    }
  });
});

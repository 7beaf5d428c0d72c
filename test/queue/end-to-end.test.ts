import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { trackRequests } from '../../src/adapters/express/index.js';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { queue, startWorker, type FootfallWorker } from '../../src/queue/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';

// Issue 15, end to end on real parts: an Express app with trackRequests -> Redis (BullMQ) ->
// two workers -> the Footfall collector (SQLite in memory), every hit stored exactly once.
const ROUTES = ['/v1/items/:id', '/v1/orders/:id', '/v1/users/:id'] as const;

async function startApp(tracker: ReturnType<typeof createTracker>) {
  const app = express();
  app.use(trackRequests(tracker, { userId: (req) => { const user = req.headers['x-user']; return typeof user === 'string' ? user : undefined; } }));
  for (const route of ROUTES) app.get(route, (req, res) => res.json({ id: req.params.id }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

async function get(url: string, user: string): Promise<number> {
  const response = await request(url, { headers: { 'x-user': user, host: 'api.example.com' } });
  await response.body.dump();
  return response.statusCode;
}

describe('queue mode end to end: Express -> Redis -> two workers -> collector', () => {
  const prefix = testPrefix('e2e');
  let server: Collector;
  before(async () => {
    server = await startCollector({ port: 0, memory: true, output: 'none' });
  });
  after(async () => {
    await server.close();
    await removeKeys(prefix);
  });

  it('stores every hit exactly once, per route, and the web tracker counts them sent to the queue', async () => {
    const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob: 10 }), hashKey: TEST_KEY, flushOnExit: false });
    const app = await startApp(tracker);
    const workers: FootfallWorker[] = [];
    try {
      const requests = 600;
      for (let i = 0; i < requests; i += 20) {
        const statuses = await Promise.all(Array.from({ length: 20 }, (_, j) => get(`${app.url}${ROUTES[(i + j) % 3]?.replace(':id', String(i + j))}`, `user-${(i + j) % 37}`)));
        assert.ok(statuses.every((status) => status === 200));
      }
      await tracker.flush();
      assert.equal(tracker.stats().sent, requests, JSON.stringify(tracker.stats()));
      const waiting = await jobCounts(prefix, 'footfall');
      // One job per batch of up to 10 hits, not one per hit: the 100 ms interval may send a batch before it is full.
      const jobs = waiting.wait + waiting.delayed;
      assert.ok(jobs >= requests / 10 && jobs < requests / 5, `jobs of up to 10 hits: ${JSON.stringify(waiting)}`);

      for (let w = 0; w < 2; w++) workers.push(await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(server.url), concurrency: 4 }));
      await until(async () => await server.store.count() >= requests, async () => `${requests} hits stored (${await server.store.count()} so far)`);
      const stopped = await Promise.all(workers.splice(0).map((worker) => worker.close()));
      assert.equal(await server.store.count(), requests);
      assert.equal(server.stats().duplicateHits, 0);
      assert.equal(stopped.reduce((sum, stats) => sum + stats.hits.delivered, 0), requests);
      assert.ok(stopped.every((stats) => stats.jobs.completed > 0), `both workers took jobs: ${JSON.stringify(stopped.map((s) => s.jobs))}`);
      const endpoints = ((await (await request(`${server.url}/api/endpoints`)).body.json()) as { endpoints: { route: string; hits: number; clients: number }[] }).endpoints;
      assert.deepEqual(endpoints.map((e) => [e.route, e.hits]).sort(), ROUTES.map((route) => [route, requests / 3]).sort());
      const after = await jobCounts(prefix, 'footfall');
      assert.deepEqual(after, { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 }, 'completed jobs leave Redis');
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await app.close();
      await tracker.close();
    }
  });

  it('puts no client IP, query value or raw id in Redis: the web process applies privacy first', async () => {
    const own = testPrefix('privacy');
    const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix: own }), hashKey: TEST_KEY, flushOnExit: false });
    const app = await startApp(tracker);
    const redis = new Redis(REDIS_URL);
    try {
      assert.equal(await get(`${app.url}/v1/users/8f14e45f-ceea-467f-a0e6-0123456789ab?email=alice%40example.com&token=s3cr3t`, 'alice@example.com'), 200);
      await tracker.flush();
      const keys = await redis.keys(`${own}:footfall:*`);
      const jobKey = keys.find((key) => /:\d+$/.test(key));
      assert.ok(jobKey !== undefined, `a job key among ${keys.join(', ')}`);
      const data = (await redis.hget(jobKey, 'data')) ?? '';
      assert.match(data, /\/v1\/users\/:id\?email&token/);
      for (const secret of ['127.0.0.1', '8f14e45f', 'alice', 's3cr3t']) assert.ok(!data.includes(secret), `${secret} in ${data}`);
    } finally {
      redis.disconnect();
      await app.close();
      await tracker.close();
      await removeKeys(own);
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { createTracker, type Tracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { queue, retryFailedJobs, startWorker, type FootfallWorker } from '../../src/queue/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';
import { assertAccounting } from '../helpers/tracker.js';

// Issue 15: while the destination fails, hangs or is down, hits wait in Redis (jobs retried by
// BullMQ with a backoff from ~1 s) and arrive when it recovers, each stored once; a destination
// that refuses for good leaves the jobs in the failed set, from which retryFailedJobs() sends them.

const NAME = 'footfall';
/** A bound on a hang, generous for a loaded shared machine (the runner gives a file 60 s); never a speed claim. */
const HANG_GUARD_MS = 30_000;

/** Tracks `count` hits into the queue under `prefix` and waits until each is in Redis. */
async function enqueue(prefix: string, count: number, hitsPerJob = 5): Promise<Tracker> {
  const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob }), hashKey: TEST_KEY, flushOnExit: false });
  for (let i = 0; i < count; i++) {
    tracker.track({ method: 'GET', url: `/v1/items/${i}`, route: '/v1/items/:id', status: 200, durationMs: 4, userId: `user-${i % 13}`, headers: { host: 'api.example.com' } });
  }
  await tracker.flush();
  const stats = tracker.stats();
  assert.equal(stats.sent, count, `every hit in Redis: ${JSON.stringify(stats)}`);
  assertAccounting(tracker);
  return tracker;
}

/** Footfall's warnings in this process (each code is emitted once per process). */
const warnings: string[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'FootfallWarning') warnings.push(`${(warning as { code?: string }).code}: ${warning.message}`);
});
/** A worker loses no hit it hands back to the queue: it must not say hits were lost (FFWRN008). */
const assertNoLossWarning = () => assert.deepEqual(warnings.filter((w) => w.startsWith('FFWRN008')), []);

const pending = async (prefix: string) => {
  const counts = await jobCounts(prefix, NAME);
  return counts.wait + counts.active + counts.delayed;
};

describe('queue mode while the collector fails, hangs or is down', () => {
  const prefixes: string[] = [];
  const own = (label: string) => {
    const prefix = testPrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  after(async () => {
    for (const prefix of prefixes) await removeKeys(prefix);
  });

  it('delivers every hit once through a spell of mixed faults (20 % failed, 20 % held), jobs retried by BullMQ', async (t) => {
    const prefix = own('mixed');
    const hits = 200;
    const port = await freePort();
    // One SQLite file for the collector in trouble and the one that replaces it on its port, so
    // a hit stored by the first and sent again is a duplicate for the second.
    const dir = await mkdtemp(join(tmpdir(), 'footfall-outage-'));
    const dbFile = join(dir, 'hits.db');
    // Seed 3: the n-th request's fate is fixed, and the first ones are held, held, answered,
    // held, answered, failed (...), so the first jobs meet faults whatever the timing.
    // hangStores: a held request is stored first, so the worker's retry of it is a duplicate
    // the collector refuses (counted in duplicateHits), as the seed's stuck server did.
    let troubled: Collector | undefined = await startCollector({ port, dbFile, output: 'none', failRate: 0.2, hangRate: 0.2, hangMs: 1_500, hangStores: true, seed: 3 });
    let healthy: Collector | undefined;
    const tracker = await enqueue(prefix, hits);
    let worker: FootfallWorker | undefined;
    try {
      // maxRetryMs 300: a request failed or held past that is not retried inside the job any
      // longer; its hits go back in their job, which BullMQ tries again after its backoff.
      worker = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(`http://127.0.0.1:${port}`), concurrency: 8, maxRetryMs: 300 });
      // Until jobs were handed back to BullMQ, or (a failure, not a hang) the queue is done without it.
      await until(async () => (worker?.stats().jobs.retried ?? 0) >= 3 || (await pending(prefix)) === 0, () => `jobs retried through the faults (${JSON.stringify(worker?.stats().jobs)})`, HANG_GUARD_MS);
      assert.ok(worker.stats().jobs.retried >= 3, `jobs met the faults and were handed back: ${JSON.stringify(worker.stats().jobs)}`);
      await troubled.close();
      const spell = troubled.stats();
      troubled = undefined;
      // Recovered: the same port, the same store.
      healthy = await startCollector({ port, dbFile, output: 'none' });
      await until(async () => ((await healthy?.store.count()) ?? 0) >= hits, async () => `${hits} hits stored (${await healthy?.store.count()}; worker ${JSON.stringify(worker?.stats().jobs)})`, HANG_GUARD_MS);
      await until(async () => (await pending(prefix)) === 0, 'the queue to empty', HANG_GUARD_MS);
      const stats = await worker.close();
      worker = undefined;
      assert.equal(await healthy.store.count(), hits, 'each hit stored once');
      const duplicates = spell.duplicateHits + healthy.stats().duplicateHits;
      assertNoLossWarning();
      assert.ok(stats.jobs.retried >= 3, `jobs met a fault and were tried again: ${JSON.stringify(stats.jobs)}`);
      assert.ok(stats.hits.retried > 0, JSON.stringify(stats.hits));
      assert.equal(stats.hits.failed, 0);
      assert.equal(stats.jobs.failed, 0);
      // A hit counted delivered by the worker is stored; one sent again after a hold it did not
      // wait out is a duplicate, refused by the collector and counted, never stored twice.
      assert.ok(stats.hits.delivered >= hits, JSON.stringify(stats.hits));
      assert.ok(stats.hits.delivered <= hits + duplicates, `${stats.hits.delivered} delivered, ${duplicates} duplicates`);
      assert.deepEqual(await jobCounts(prefix, NAME), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
      t.diagnostic(`worker ${JSON.stringify(stats.jobs)} ${JSON.stringify(stats.hits)}; duplicates refused: ${spell.duplicateHits} during the faults, ${healthy.stats().duplicateHits} after`);
    } finally {
      await worker?.close();
      await tracker.close();
      await troubled?.close();
      await healthy?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the hits in Redis while the collector is down, and delivers them once it is started on that port', async () => {
    const prefix = own('down');
    const hits = 120;
    const port = await freePort();
    const tracker = await enqueue(prefix, hits);
    let worker: FootfallWorker | undefined;
    let server: Collector | undefined;
    try {
      worker = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(`http://127.0.0.1:${port}`), concurrency: 8, maxRetryMs: 200 });
      // Down: connections refused, every job handed back to BullMQ for a later try.
      await until(() => (worker?.stats().jobs.retried ?? 0) >= 3, () => `jobs retried while down (${JSON.stringify(worker?.stats().jobs)})`, HANG_GUARD_MS);
      assert.equal(worker.stats().hits.delivered, 0);
      const waiting = await jobCounts(prefix, NAME);
      assert.equal(waiting.wait + waiting.active + waiting.delayed, hits / 5, `every job still in Redis: ${JSON.stringify(waiting)}`);
      assert.equal(waiting.failed, 0);

      server = await startCollector({ port, memory: true, output: 'none' });
      await until(async () => ((await server?.store.count()) ?? 0) >= hits, async () => `${hits} hits stored (${await server?.store.count()})`, HANG_GUARD_MS);
      await until(async () => (await pending(prefix)) === 0, 'the queue to empty', HANG_GUARD_MS);
      const stats = await worker.close();
      worker = undefined;
      assert.equal(await server.store.count(), hits);
      assert.equal(server.stats().duplicateHits, 0, 'a refused connection delivered nothing: nothing to repeat');
      assert.equal(stats.hits.delivered, hits);
      assert.ok(stats.jobs.retried >= 3, JSON.stringify(stats.jobs));
      assertNoLossWarning();
      assert.deepEqual(await jobCounts(prefix, NAME), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
    } finally {
      await worker?.close();
      await tracker.close();
      await server?.close();
    }
  });

  it('leaves the jobs a destination refuses for good (403, wrong api secret) in the failed set with the reason; retryFailedJobs then delivers them', async () => {
    const prefix = own('refused');
    const hits = 60;
    const jobs = hits / 5;
    const server = await startCollector({ port: 0, memory: true, output: 'none', apiSecret: 'the-right-secret' });
    const tracker = await enqueue(prefix, hits);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const raw = new Queue(NAME, { connection, prefix });
    let worker: FootfallWorker | undefined;
    try {
      worker = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(server.url, { apiSecret: 'a-wrong-secret' }), concurrency: 4, maxRetryMs: 200 });
      await until(async () => (await jobCounts(prefix, NAME)).failed >= jobs, () => `${jobs} jobs failed (worker ${JSON.stringify(worker?.stats().jobs)})`, HANG_GUARD_MS);
      const refused = await worker.close();
      worker = undefined;
      assert.equal(await server.store.count(), 0);
      assert.equal(refused.jobs.failed, jobs);
      assert.equal(refused.hits.failed, hits);
      assert.equal(refused.hits.delivered, 0);
      const failed = await raw.getFailed(0, jobs);
      assert.equal(failed.length, jobs);
      let kept = 0;
      for (const job of failed) {
        assert.match(job.failedReason, /hits failed for good \(\d+ http_4xx\).*--retry-failed/, job.failedReason);
        assert.equal(job.attemptsMade, 1, 'a refusal for good is not tried again by BullMQ');
        kept += (job.data as { hits: unknown[] }).hits.length;
      }
      assert.equal(kept, hits, 'the failed jobs keep exactly the refused hits');
      assertNoLossWarning();
      assert.equal(await pending(prefix), 0);

      // The secret fixed: the failed jobs go back to the queue and are delivered.
      worker = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(server.url, { apiSecret: 'the-right-secret' }), concurrency: 4 });
      assert.equal(await retryFailedJobs({ redisUrl: REDIS_URL, prefix }), jobs);
      await until(async () => await server.store.count() >= hits, async () => `${hits} hits stored (${await server.store.count()})`, HANG_GUARD_MS);
      await until(async () => (await pending(prefix)) === 0, 'the queue to empty', HANG_GUARD_MS);
      const delivered = await worker.close();
      worker = undefined;
      assert.equal(await server.store.count(), hits);
      assert.equal(server.stats().duplicateHits, 0);
      assert.equal(delivered.hits.delivered, hits);
      assert.deepEqual(await jobCounts(prefix, NAME), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
      assert.equal(await retryFailedJobs({ redisUrl: REDIS_URL, prefix }), 0, 'nothing left to retry');
    } finally {
      await worker?.close();
      await raw.close();
      connection.disconnect();
      await tracker.close();
      await server.close();
    }
  });
});

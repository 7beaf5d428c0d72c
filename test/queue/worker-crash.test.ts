import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { queue, startWorker, type FootfallWorker } from '../../src/queue/index.js';
import { spawnLines, type LineChild } from '../helpers/child-lines.js';
import { TEST_KEY } from '../helpers/context.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';

// Issue 15: "no hit lost when a process dies". A worker of its own process is killed with
// SIGKILL while it holds jobs in flight (its collector answers slowly); another worker takes
// the dead one's jobs over once their locks lapse and delivers them. Every hit ends up in the
// collector exactly once: re-sent hits (delivered by the dead worker, whose job was never
// acknowledged) are kept once by the collector's de-duplication on the hit id.
const HITS = 3_000;
const HITS_PER_JOB = 25;
const LOCK_MS = 2_000;
const STALLED_MS = 500;
/** The slow collector holds each request this long: the killed worker has jobs in flight. */
const SLOW_MS = 250;
const ZERO = { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 };

describe('queue mode: a worker killed with SIGKILL in the middle of delivery', () => {
  const prefix = testPrefix('worker-crash');
  let slow: Collector;
  let fast: Collector;
  const children: LineChild[] = [];
  const workers: FootfallWorker[] = [];
  before(async () => {
    // Two doors to one store: the killed worker delivers through the slow one, its successor
    // through the quick one; a hit id is kept once whichever door it comes in by.
    slow = await startCollector({ port: 0, memory: true, output: 'none', delayMs: SLOW_MS });
    fast = await startCollector({ port: 0, store: slow.store, output: 'none' });
  });
  after(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await Promise.all(workers.map((worker) => worker.close({ timeoutMs: 1_000 })));
    await fast.close();
    await slow.close();
    await removeKeys(prefix);
  });

  it('loses no hit and stores none twice: the dead worker\'s jobs are taken over and delivered', async (t) => {
    const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob: HITS_PER_JOB }), hashKey: TEST_KEY, flushOnExit: false });
    try {
      for (let i = 0; i < HITS; i++) tracker.track({ method: 'GET', url: `/crash/${i}`, route: '/crash/:n', hitId: `crash-${i}` });
      await tracker.flush();
      assert.equal(tracker.stats().sent, HITS, JSON.stringify(tracker.stats()));
    } finally {
      await tracker.close();
    }
    assert.deepEqual(await jobCounts(prefix, 'footfall'), { ...ZERO, wait: HITS / HITS_PER_JOB });

    const doomed = spawnLines('test/queue/fixtures/worker-child.ts', {
      CRASH_REDIS_URL: REDIS_URL,
      CRASH_PREFIX: prefix,
      CRASH_COLLECTOR_URL: slow.url,
      CRASH_CONCURRENCY: '8',
      CRASH_LOCK_MS: String(LOCK_MS),
      CRASH_STALLED_MS: String(STALLED_MS),
    });
    children.push(doomed);
    await doomed.waitFor((line) => line === 'ready', 'the worker child to start');
    // Some hits delivered, not all: then SIGKILL, no close(), no goodbye.
    await until(async () => await slow.store.count() >= HITS / 10, async () => `the worker child to deliver ${HITS / 10} hits (${await slow.store.count()} stored so far)`);
    await doomed.kill();
    const storedAtKill = await slow.store.count();
    const lastStats = doomed.lines.filter((line) => line.startsWith('stats ')).at(-1) ?? 'none';
    const held = await jobCounts(prefix, 'footfall');
    t.diagnostic(`killed the worker child with ${storedAtKill} of ${HITS} hits stored; its last stats line: ${lastStats}; jobs then: ${JSON.stringify(held)}`);
    assert.ok(storedAtKill < HITS, `the worker child delivered all ${HITS} hits before the kill: the slow collector is not slow enough for this test`);
    assert.ok(held.active > 0, `the killed worker held jobs in flight (active in Redis): ${JSON.stringify(held)}`);

    const successor = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(fast.url), concurrency: 8, lockDurationMs: LOCK_MS, stalledIntervalMs: STALLED_MS });
    workers.push(successor);
    let counts = await jobCounts(prefix, 'footfall');
    const drained = async () => {
      counts = await jobCounts(prefix, 'footfall');
      return await fast.store.count() >= HITS && JSON.stringify(counts) === JSON.stringify(ZERO);
    };
    await until(drained, async () => `${HITS} hits stored (${await fast.store.count()} so far) and an empty queue (${JSON.stringify(counts)})`, 20_000);
    const stats = await successor.close();

    const stored = await fast.store.recentHits(HITS * 2);
    const ids = stored.map((hit) => hit.hitId);
    assert.equal(await fast.store.count(), HITS, 'each hit stored once');
    assert.equal(new Set(ids).size, HITS);
    const missing = Array.from({ length: HITS }, (_, i) => `crash-${i}`).filter((id) => !ids.includes(id));
    assert.deepEqual(missing, [], 'no hit missing');
    const duplicates = slow.stats().duplicateHits + fast.stats().duplicateHits;
    t.diagnostic(`the successor delivered ${stats.hits.delivered} hits (${stats.jobs.completed} jobs); ${duplicates} hits arrived twice and were stored once (re-sent from jobs the dead worker never acknowledged)`);
    assert.ok(duplicates >= 0);
    assert.ok(stats.hits.delivered >= HITS - storedAtKill, `the successor delivered what was not stored at the kill: ${JSON.stringify(stats.hits)}`);
    assert.equal(stats.hits.failed, 0);
    assert.deepEqual(await jobCounts(prefix, 'footfall'), ZERO, 'the queue ends empty');
  });
});

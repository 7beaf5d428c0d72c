import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startCollector } from '../../src/collector/server.js';
import { createTracker } from '../../src/delivery/tracker.js';
import { collector } from '../../src/index.js';
import { queue, startWorker } from '../../src/queue/index.js';
import { TEST_KEY } from '../helpers/context.js';
import { startHangingServer } from '../helpers/hanging-server.js';
import { REDIS_URL, jobCounts, removeKeys, testPrefix, until } from '../helpers/redis.js';

// Issue 15: a worker that stops (close(), as on SIGTERM) delivers what it can within its
// deadline and hands the rest back to the queue, without using up a try; nothing is lost, and
// it does not warn that hits were lost (FFWRN008), since none were.
const HITS = 60;

describe('a worker that stops', () => {
  const prefix = testPrefix('stop');
  after(() => removeKeys(prefix));

  it('hands the jobs it holds back to the queue (no try used, no FFWRN008), and another worker delivers every hit once', async () => {
    const tracker = createTracker({ destination: queue({ redisUrl: REDIS_URL, prefix, hitsPerJob: 20 }), hashKey: TEST_KEY, flushOnExit: false });
    for (let i = 0; i < HITS; i++) tracker.track({ method: 'GET', url: `/v1/items/${i}`, route: '/v1/items/:id', status: 200, userId: `user-${i % 7}` });
    await tracker.close();
    assert.equal(tracker.stats().sent, HITS);

    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(warning.code ?? warning.message);
    process.on('warning', onWarning);
    const hanging = await startHangingServer();
    const healthy = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const stuck = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(hanging.url), closeTimeoutMs: 300 });
      await until(() => hanging.received() > 0 && stuck.stats().jobs.active === HITS / 20, () => `the stuck worker to hold all jobs (${JSON.stringify(stuck.stats().jobs)})`);
      const stopped = await stuck.close();
      assert.equal(stopped.jobs.handedBack, HITS / 20, JSON.stringify(stopped.jobs));
      assert.equal(stopped.hits.delivered, 0);
      const counts = await jobCounts(prefix, 'footfall');
      assert.equal(counts.wait, HITS / 20, `handed back to wait, not delayed or failed: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(!warnings.includes('FFWRN008'), `warnings: ${warnings.join(', ')}`);

      const next = await startWorker({ redisUrl: REDIS_URL, prefix, destination: collector(healthy.url) });
      await until(async () => await healthy.store.count() >= HITS, async () => `${HITS} hits stored (${await healthy.store.count()})`);
      const done = await next.close();
      assert.equal(await healthy.store.count(), HITS);
      assert.equal(done.hits.delivered, HITS);
      assert.deepEqual(await jobCounts(prefix, 'footfall'), { wait: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
    } finally {
      process.off('warning', onWarning);
      await hanging.close();
      await healthy.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFaults, resolveFaults } from '../../src/collector/faults.js';

function tally(options: Parameters<typeof resolveFaults>[0], draws: number) {
  const faults = createFaults(resolveFaults(options));
  const counts = { failed: 0, hung: 0, statuses: new Set<number | undefined>(), sequence: [] as string[] };
  for (let i = 0; i < draws; i++) {
    const fate = faults.decide(0);
    if (fate.failStatus !== undefined) counts.failed++;
    if (fate.hangMs > 0) counts.hung++;
    counts.statuses.add(fate.failStatus);
    if (i < 50) counts.sequence.push(`${fate.failStatus ?? '-'}/${fate.hangMs}`);
  }
  return counts;
}

describe('fault injection', () => {
  it('holds the configured rates within 1.5 points over 20 000 requests for a fixed seed', () => {
    const counts = tally({ failRate: 0.2, hangRate: 0.1, hangMs: 20_000, seed: 42 }, 20_000);
    assert.ok(Math.abs(counts.failed / 20_000 - 0.2) < 0.015, `fail share ${counts.failed / 20_000}`);
    // Hangs are drawn among the requests that did not fail: 0.1 of the remaining 80%.
    assert.ok(Math.abs(counts.hung / 20_000 - 0.08) < 0.015, `hang share ${counts.hung / 20_000}`);
  });

  it('replays exactly for the same seed and differs for another', () => {
    const a = tally({ failRate: 0.3, hangRate: 0.3, seed: 7 }, 50).sequence;
    assert.deepEqual(tally({ failRate: 0.3, hangRate: 0.3, seed: 7 }, 50).sequence, a);
    assert.notDeepEqual(tally({ failRate: 0.3, hangRate: 0.3, seed: 8 }, 50).sequence, a);
  });

  it('a status alone fails every request; Retry-After alone means 429; --fail-rate keeps its share', () => {
    assert.deepEqual([...tally({ status: 503, seed: 1 }, 100).statuses], [503]);
    const throttled = createFaults(resolveFaults({ retryAfterS: 7, seed: 1 })).decide(0);
    assert.deepEqual(throttled, { delayMs: 0, hangMs: 0, failStatus: 429, retryAfterS: 7 });
    const some = tally({ status: 429, failRate: 0.5, seed: 3 }, 10_000);
    assert.ok(Math.abs(some.failed / 10_000 - 0.5) < 0.02);
  });

  it('adds the fixed delay and the request\'s own ?sleep=, and does nothing when nothing is configured', () => {
    const faults = createFaults(resolveFaults({ delayMs: 250, seed: 1 }));
    assert.deepEqual(faults.decide(2000), { delayMs: 2250, hangMs: 0 });
    const calm = createFaults(resolveFaults({ seed: 1 }));
    assert.equal(calm.active, false);
    assert.equal(calm.describe, 'none');
    assert.deepEqual(calm.decide(0), { delayMs: 0, hangMs: 0 });
  });

  it('hangStores marks the hangs it draws as stored first, draws the same fates, and says so in its description', () => {
    const plain = createFaults(resolveFaults({ hangRate: 0.5, hangMs: 3000, delayMs: 10, seed: 9 }));
    const storing = createFaults(resolveFaults({ hangRate: 0.5, hangMs: 3000, delayMs: 10, hangStores: true, seed: 9 }));
    let hung = 0;
    for (let i = 0; i < 200; i++) {
      const [a, b] = [plain.decide(0), storing.decide(0)];
      assert.equal(b.hangMs, a.hangMs, `request ${i}`);
      assert.deepEqual(b, a.hangMs > 0 ? { ...a, storeFirst: true } : a, `request ${i}`);
      if (a.hangMs > 0) hung++;
    }
    assert.ok(hung > 70 && hung < 130, `${hung} of 200 hung`);
    assert.equal(storing.describe, '50% held 3000 ms (stored before the hold), every answer delayed 10 ms; seed 9');
    assert.equal(plain.describe, '50% held 3000 ms, every answer delayed 10 ms; seed 9');
    assert.equal(createFaults(resolveFaults({ hangStores: true, seed: 1 })).describe, 'none (hang-stores has no effect without a hang rate)');
    assert.equal(resolveFaults({}).hangStores, false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throughChaos } from '../helpers/chaos.js';

// Real sockets and the real clock, one scenario per file: each has the runner's 60 s to itself.
describe('delivery through the seed\'s chaos server (20% 500, 20% held)', () => {
  it('2 000 hits from 200 consumers, timeoutMs 1000, holds of 3 s: each stored once, books exact, close() well inside its deadline', async (t) => {
    const { stats, collector } = await throughChaos(t, 3_000, { timeoutMs: 1000 }, 60_000);
    assert.ok(collector.faults > 0, 'the collector did fail requests');
    assert.ok(stats.timedOut > 0, 'held requests were given up on');
    assert.ok(collector.duplicateHits > 0, 'a request stored before its hold and retried arrived twice; de-duplication removed it');
  });
});

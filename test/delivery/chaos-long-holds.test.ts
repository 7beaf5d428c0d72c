import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throughChaos } from '../helpers/chaos.js';

// Real sockets and the real clock, one scenario per file: each has the runner's 60 s to itself.
describe('delivery through the seed\'s chaos server (20% 500, 20% held)', () => {
  it('holds of 20 s with the default options: everything delivered within close({ timeoutMs: 60000 })', async (t) => {
    const { stats } = await throughChaos(t, 20_000, {}, 60_000);
    assert.ok(stats.attemptTimeoutMs < 1000, `a destination that answers in milliseconds is given up on in well under a second, got ${stats.attemptTimeoutMs} ms`);
  });
});

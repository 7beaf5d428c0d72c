import { resolveHitOptions, type HitOptions } from '../../src/hit-options.js';
import type { HitContext } from '../../src/core/hit-context.js';

/** A fixed key and a manual clock, so ids and times are the same on every run. */
export const TEST_KEY = 'test-key-0123456789abcdef';
export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

export function createManualClock(startMs = T0) {
  let now = startMs;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}

export function testContext(options: HitOptions = {}): HitContext {
  return resolveHitOptions({ hashKey: TEST_KEY, now: () => T0, random: () => 0.5, ...options }, {});
}

import type { Clock } from './clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * One circuit breaker for the whole tracker. After `threshold` failed attempts in a row it
 * opens: nothing is sent for `cooldownMs` (or longer, if the server asked with Retry-After).
 * Then it lets one probe through (half-open); success closes it, failure opens it again
 * with the cool-down doubled, up to `maxCooldownMs`.
 */
export interface Breaker {
  readonly state: BreakerState;
  /** May a request start now? In half-open, true once, for the probe. */
  tryAcquire(): boolean;
  /** When a closed door may open again, epoch ms (0 when closed). */
  readonly reopensAtMs: number;
  onSuccess(): void;
  onFailure(pauseMs?: number): void;
}

export function createBreaker({ threshold, cooldownMs, maxCooldownMs, clock }: { threshold: number; cooldownMs: number; maxCooldownMs: number; clock: Clock }): Breaker {
  let failures = 0;
  let openedUntil = 0;
  let currentCooldown = cooldownMs;
  let probing = false;
  const state = (): BreakerState => {
    if (failures < threshold && openedUntil === 0) return 'closed';
    return clock.now() >= openedUntil ? 'half-open' : 'open';
  };
  return {
    get state() {
      return state();
    },
    get reopensAtMs() {
      return state() === 'open' ? openedUntil : 0;
    },
    tryAcquire() {
      const current = state();
      if (current === 'closed') return true;
      if (current === 'open' || probing) return false;
      probing = true;
      return true;
    },
    onSuccess() {
      failures = 0;
      openedUntil = 0;
      probing = false;
      currentCooldown = cooldownMs;
    },
    onFailure(pauseMs = 0) {
      if (probing) currentCooldown = Math.min(maxCooldownMs, currentCooldown * 2);
      probing = false;
      failures++;
      const tripped = failures >= threshold;
      if (!tripped && pauseMs === 0) return;
      openedUntil = clock.now() + (tripped ? Math.max(currentCooldown, pauseMs) : pauseMs);
    },
  };
}

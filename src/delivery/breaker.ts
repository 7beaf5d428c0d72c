import type { Clock } from './clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** When the breaker opens, and how it comes back. Defaults in docs/delivery.md. */
export interface BreakerSettings {
  /** Share of failed attempts in the window that opens it (with at least `minAttempts`). */
  readonly failureRatio: number;
  readonly minAttempts: number;
  /** Attempts older than this leave the window. */
  readonly windowMs: number;
  /** Also opens when every attempt for this long failed (five in a row at least, more for a destination that often fails: see failuresToOpen). */
  readonly noSuccessMs: number;
  /** Open time before the first probe; doubles per failed probe up to `maxCooldownMs`. */
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
}

/** What an attempt may do now. */
export type Admission =
  | { readonly kind: 'go' }
  | { readonly kind: 'probe' }
  | { readonly kind: 'wait'; readonly waitMs: number; readonly why: 'open' | 'probing' | 'paused' };

/** An attempt's outcome as the breaker judges it: `neutral` says nothing about the destination (aborted, 429). */
export type AttemptVerdict = 'success' | 'failure' | 'neutral';

export interface BreakerChange {
  readonly state: BreakerState;
  readonly previous: BreakerState;
  /** Why: the window's figures when it opened, the probe's outcome otherwise. */
  readonly reason: string;
  readonly atMs: number;
}

export interface Breaker {
  readonly state: BreakerState;
  /** Until when a Retry-After pauses every attempt, epoch ms (0 when not paused). */
  readonly pausedUntilMs: number;
  /** How often it has opened. */
  readonly opened: number;
  admit(): Admission;
  record(verdict: AttemptVerdict, probe: boolean): void;
  /** A destination asked to wait (Retry-After): nothing is sent before `ms` from now. */
  pause(ms: number): void;
}

/** While the probe is out, other attempts look again after this long. */
export const PROBE_WAIT_MS = 500;
/** Failures with no success in between before `noSuccessMs` can open the breaker, at least. */
const NO_SUCCESS_MIN_FAILURES = 5;
/** ... and at most: past this many, even a destination that failed most attempts before is down. */
const NO_SUCCESS_MAX_FAILURES = 20;
/** A run of failures this unlikely under the destination's usual failure rate is an outage. */
const FLUKE_ODDS = 1e-3;
/** Weight of each attempt in the usual failure rate (about the last 32 attempts). */
const RATE_WEIGHT = 1 / 32;

/**
 * How many failures in a row, with no success between, it takes before `noSuccessMs` can open
 * the breaker: enough that the destination's usual failure rate would make such a run rarer
 * than one in a thousand. A request retrying alone through the seed's mix (36 % of attempts
 * fail) meets five in a row once in 165 runs, seven once in 1 300; a destination that never
 * failed before opens it after five.
 */
export function failuresToOpen(usualFailureRate: number): number {
  if (usualFailureRate <= 0) return NO_SUCCESS_MIN_FAILURES;
  if (usualFailureRate >= 1) return NO_SUCCESS_MAX_FAILURES;
  const needed = Math.ceil(Math.log(FLUKE_ODDS) / Math.log(usualFailureRate));
  return Math.min(NO_SUCCESS_MAX_FAILURES, Math.max(NO_SUCCESS_MIN_FAILURES, needed));
}
const WINDOW_CAPACITY = 256;

/**
 * One circuit breaker for the whole tracker, for outages, not flakiness. It judges a window of
 * recent attempts (by count and time) and opens only when nearly all of them failed, or when
 * nothing has succeeded for a while. Open, it holds every attempt for the cool-down; then it
 * lets one probe through (half-open): success closes it, failure opens it again for twice as
 * long. A Retry-After pauses attempts without changing the state. Pure but for the clock.
 */
export function createBreaker(settings: BreakerSettings, clock: Clock, onChange: (change: BreakerChange) => void = () => undefined): Breaker {
  const window = createAttemptWindow(Math.max(WINDOW_CAPACITY, settings.minAttempts));
  let state: BreakerState = 'closed';
  let openUntilMs = 0;
  let cooldownMs = settings.cooldownMs;
  let probing = false;
  let pausedUntilMs = 0;
  let opened = 0;
  let failuresSinceSuccess = 0;
  let firstFailureMs = 0;
  /** The share of attempts that failed, smoothed, and its value when the current run of failures began. */
  let failureRate = 0;
  let runNeeds = NO_SUCCESS_MIN_FAILURES;

  const change = (next: BreakerState, reason: string) => {
    const previous = state;
    state = next;
    onChange({ state: next, previous, reason, atMs: clock.now() });
  };
  const open = (reason: string) => {
    openUntilMs = clock.now() + cooldownMs;
    probing = false;
    opened++;
    change('open', reason);
  };
  const close = () => {
    window.clear();
    failuresSinceSuccess = 0;
    failureRate = 0;
    cooldownMs = settings.cooldownMs;
    probing = false;
    change('closed', 'the probe succeeded');
  };
  const tripReason = (now: number): string | undefined => {
    window.evict(now - settings.windowMs);
    if (window.count >= settings.minAttempts && window.failures >= settings.failureRatio * window.count) {
      return `${window.failures} of the last ${window.count} attempts failed`;
    }
    if (failuresSinceSuccess >= runNeeds && now - firstFailureMs >= settings.noSuccessMs) {
      return `no attempt succeeded for ${now - firstFailureMs} ms (${failuresSinceSuccess} failed in a row)`;
    }
    return undefined;
  };

  return {
    get state() {
      return state === 'open' && clock.now() >= openUntilMs ? 'half-open' : state;
    },
    get pausedUntilMs() {
      return pausedUntilMs > clock.now() ? pausedUntilMs : 0;
    },
    get opened() {
      return opened;
    },
    admit() {
      const now = clock.now();
      if (pausedUntilMs > now) return { kind: 'wait', waitMs: pausedUntilMs - now, why: 'paused' };
      if (state === 'closed') return { kind: 'go' };
      if (state === 'open' && now < openUntilMs) return { kind: 'wait', waitMs: openUntilMs - now, why: 'open' };
      if (probing) return { kind: 'wait', waitMs: PROBE_WAIT_MS, why: 'probing' };
      probing = true;
      if (state === 'open') change('half-open', `the ${cooldownMs} ms cool-down is over: one probe`);
      return { kind: 'probe' };
    },
    record(verdict, probe) {
      const now = clock.now();
      if (probe) {
        if (verdict === 'success') close();
        else if (verdict === 'failure') {
          cooldownMs = Math.min(settings.maxCooldownMs, cooldownMs * 2);
          open('the probe failed');
        } else probing = false;
        return;
      }
      if (state !== 'closed' || verdict === 'neutral') return;
      window.add(now, verdict === 'failure');
      if (verdict === 'failure' && failuresSinceSuccess === 0) {
        firstFailureMs = now;
        runNeeds = failuresToOpen(failureRate);
      }
      failureRate += RATE_WEIGHT * ((verdict === 'failure' ? 1 : 0) - failureRate);
      if (verdict === 'success') {
        failuresSinceSuccess = 0;
        return;
      }
      failuresSinceSuccess++;
      const reason = tripReason(now);
      if (reason !== undefined) open(reason);
    },
    pause(ms) {
      pausedUntilMs = Math.max(pausedUntilMs, clock.now() + ms);
    },
  };
}

/** The last attempts (at most `capacity`), with their times, and how many of them failed. */
function createAttemptWindow(capacity: number) {
  const times = new Float64Array(capacity);
  const failed = new Uint8Array(capacity);
  let head = 0;
  let count = 0;
  let failures = 0;
  const dropOldest = () => {
    failures -= failed[head] ?? 0;
    head = (head + 1) % capacity;
    count--;
  };
  return {
    get count() {
      return count;
    },
    get failures() {
      return failures;
    },
    add(atMs: number, isFailure: boolean) {
      if (count === capacity) dropOldest();
      const at = (head + count) % capacity;
      times[at] = atMs;
      failed[at] = isFailure ? 1 : 0;
      failures += isFailure ? 1 : 0;
      count++;
    },
    evict(beforeMs: number) {
      while (count > 0 && (times[head] ?? 0) < beforeMs) dropOldest();
    },
    clear() {
      head = 0;
      count = 0;
      failures = 0;
    },
  };
}

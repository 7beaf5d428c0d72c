import type { Accounting } from './accounting.js';
import type { Batcher } from './batcher.js';
import type { BreakerState } from './breaker.js';
import type { DropReason, FailReason, TrackerEvent, TrackerEvents } from './events.js';
import type { TrackInput } from './track-input.js';
import type { TransportStack } from './transport-stack.js';

export interface TrackerStats {
  readonly tracked: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  /** Queued, in flight, or waiting to retry. tracked = sent + failed + dropped + pending. */
  readonly pending: number;
  /** Hits sent again after a failed attempt (counted per retry). */
  readonly retried: number;
  /** Hits waiting to be encoded and sent (raw, or held for company). */
  readonly queued: number;
  /** HTTP attempts on the wire now. */
  readonly inFlight: number;
  /** Requests waiting for their next attempt (after a failure, or held by the breaker). */
  readonly retrying: number;
  /** Attempts that ran out of time. Each may have reached the destination: at Google, a possible duplicate. */
  readonly timedOut: number;
  /** Attempts allowed in flight now: grows while answers are quick, shrinks on timeouts, 429, 503 and answers slowed by queueing, once per loss event (at most `maxInFlight`). */
  readonly concurrency: number;
  /** The deadline the next attempt gets: follows the destination's answer times, between `minTimeoutMs` and `timeoutMs`. */
  readonly attemptTimeoutMs: number;
  readonly failedByReason: Readonly<Record<FailReason, number>>;
  readonly droppedByReason: Readonly<Record<DropReason, number>>;
  readonly breaker: BreakerState;
  /** How often the breaker has opened. */
  readonly breakerOpens: number;
  /** Until when a Retry-After pauses sending, epoch ms (0 when not paused). */
  readonly pausedUntilMs: number;
}

export interface CloseOptions {
  /** How long close() may take. @default the tracker's `closeTimeoutMs` (5_000) */
  timeoutMs?: number | undefined;
}

export interface CloseResult {
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly pending: number;
}

export interface Tracker {
  /** Queues one hit. O(1); never throws, never returns a promise. */
  track(input: TrackInput): void;
  /** Sends everything queued now; resolves when it is delivered or failed. Concurrent calls join. */
  flush(): Promise<void>;
  /** Once: stops taking hits, flushes within `timeoutMs`, abandons the rest. Later calls get the same promise. */
  close(options?: CloseOptions): Promise<CloseResult>;
  stats(): TrackerStats;
  on<E extends TrackerEvent>(event: E, listener: (report: TrackerEvents[E]) => void): () => void;
}

export function readStats(accounting: Accounting, batcher: Batcher, stack: TransportStack, pending: number): TrackerStats {
  return {
    tracked: accounting.tracked,
    sent: accounting.sent,
    failed: accounting.failed,
    dropped: accounting.dropped,
    pending,
    retried: stack.retry.retried,
    queued: batcher.queued,
    inFlight: stack.concurrency.inFlight,
    retrying: stack.retry.waiting,
    timedOut: stack.timeout.timedOut,
    concurrency: stack.concurrency.limit,
    attemptTimeoutMs: stack.timeout.timeoutMs,
    failedByReason: { ...accounting.failedBy },
    droppedByReason: { ...accounting.droppedBy },
    breaker: stack.breaker.state,
    breakerOpens: stack.breaker.opened,
    pausedUntilMs: stack.breaker.pausedUntilMs,
  };
}

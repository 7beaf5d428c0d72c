import type { Hit } from '../core/hit.js';
import type { BreakerChange } from './breaker.js';
import { FootfallError, describeValue } from '../errors.js';
import { closestName } from '../internal/closest-name.js';
import { warnOnce } from '../warnings.js';
import type { TrackInput } from './track-input.js';
import type { FailureReason } from './transport.js';

export type DropReason = 'queue_full' | 'queue_bytes_full' | 'invalid' | 'closed' | 'stale' | 'test_environment';
export type FailReason = 'http_4xx' | 'http_other' | 'validation' | 'retry_deadline' | 'aborted';

export interface DeliveryReport {
  readonly hits: readonly Hit[];
  readonly status: number;
  /** Attempts it took, 1 when the first one went through. */
  readonly attempts: number;
}

export interface FailureReport {
  readonly hits: readonly Hit[];
  readonly reason: FailReason;
  /** What the last attempt met: a status class, `timeout`, `network`... */
  readonly lastError?: FailureReason | undefined;
  readonly status?: number | undefined;
  readonly attempts: number;
  /** With `ga4({ validate: true })`: what the validation server said. */
  readonly validationMessages?: readonly unknown[] | undefined;
}

export interface DropReport {
  readonly reason: DropReason;
  /** Hits already built (dropped as `stale` or `closed` after queueing). */
  readonly hits: readonly Hit[];
  /** Inputs dropped before they became hits (`queue_full`, `invalid`, `closed`). */
  readonly inputs: readonly TrackInput[];
}

export interface TrackerEvents {
  sent: DeliveryReport;
  failed: FailureReport;
  dropped: DropReport;
  /** The circuit breaker changed state: `{ state, previous, reason, atMs }`. */
  breaker: BreakerChange;
}

export type TrackerEvent = keyof TrackerEvents;

/** A tiny emitter whose listeners can never break the tracker: what they throw is caught and reported once. */
export interface SafeEmitter {
  on<E extends TrackerEvent>(event: E, listener: (report: TrackerEvents[E]) => void): () => void;
  emit<E extends TrackerEvent>(event: E, report: TrackerEvents[E]): void;
  has(event: TrackerEvent): boolean;
}

export function createSafeEmitter(): SafeEmitter {
  const listeners: { [E in TrackerEvent]: ((report: TrackerEvents[E]) => void)[] } = { sent: [], failed: [], dropped: [], breaker: [] };
  return {
    on(event, listener) {
      if (!Object.hasOwn(listeners, event)) throw unknownEvent(event, Object.keys(listeners));
      if (typeof listener !== 'function') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'listener', 'a function', describeValue(listener));
      listeners[event].push(listener);
      return () => {
        const list = listeners[event];
        const at = list.indexOf(listener);
        if (at !== -1) list.splice(at, 1);
      };
    },
    emit(event, report) {
      for (const listener of [...listeners[event]]) safeCall(listener, report);
    },
    has: (event) => listeners[event].length > 0,
  };
}

function unknownEvent(event: unknown, events: readonly string[]): FootfallError {
  const meant = typeof event === 'string' ? closestName(event, events) : undefined;
  const suggestion = meant === undefined ? '' : ` (did you mean "${meant}"?)`;
  return new FootfallError('FOOTFALL_ERR_UNKNOWN_EVENT', describeValue(event), suggestion, events.map((name) => `"${name}"`).join(', '));
}

/** Calls a user callback; whatever it throws (or rejects with) is caught and reported once. */
export function safeCall<T>(fn: ((value: T) => unknown) | undefined, value: T): void {
  if (fn === undefined) return;
  try {
    const result = fn(value);
    if (result instanceof Promise) result.catch(() => warnOnce('FFWRN003'));
  } catch {
    warnOnce('FFWRN003');
  }
}

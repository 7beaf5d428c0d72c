import type { AttemptLayer, AttemptResult } from './attempt-layer.js';
import { createAbortWatch } from './attempt-layer.js';
import { backoffMs } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { createMinHeap } from './min-heap.js';
import type { FailureReason, OutgoingRequest, SendOptions, SendResult } from './transport.js';

export interface RetrySettings<R> {
  readonly maxRetryMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  /** How many hits a request carries, for `retried`. */
  readonly weight: (request: R) => number;
  /** A request began waiting out its backoff after a failed attempt (see `backingOff`). */
  readonly onBackoff?: (() => void) | undefined;
}

/**
 * The delay before the next attempt: the backoff, but while the tracker closes at most a
 * quarter of the time close() has left, so the deadline is spent retrying rather than waiting;
 * a Retry-After is honoured whatever it says.
 */
function nextDelayMs<R>(settings: RetrySettings<R>, attempts: number, retryAfterMs: number | undefined, nowMs: number, closingAtMs: number | undefined): number {
  let delay = backoffMs(attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxDelayMs, random: settings.random });
  if (closingAtMs !== undefined) delay = Math.min(delay, hurriedDelayMs(closingAtMs, nowMs));
  return Math.max(delay, retryAfterMs ?? 0);
}

function hurriedDelayMs(closingAtMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((closingAtMs - nowMs) / 4));
}

/**
 * A request's last word: its last attempt's result, how many attempts it took (0 when it
 * never went on the wire) and what the last failed attempt met. A `retryable` result here
 * means the retry deadline ran out.
 */
export interface RetriedResult {
  readonly result: SendResult;
  readonly attempts: number;
  readonly lastError: FailureReason | undefined;
}

export interface RetryLayer<R extends OutgoingRequest> {
  send(request: R, options: SendOptions): Promise<RetriedResult>;
  close(force: boolean): Promise<void>;
  /** Hits sent again after a failed attempt, per retry. */
  readonly retried: number;
  /** Requests waiting for their next attempt. */
  readonly waiting: number;
  /**
   * Those of them waiting out a backoff after a failed attempt: neither on the wire nor held
   * back by the breaker or a Retry-After. They take no part in what the destination is doing.
   */
  readonly backingOff: number;
  /** close() has until `closingAtMs`: waiting requests (and later retries) wait at most a quarter of the time left. */
  hurry(closingAtMs: number): void;
}

interface RetryJob<R> {
  readonly request: R;
  readonly options: SendOptions;
  readonly resolve: (result: RetriedResult) => void;
  attempts: number;
  firstAttemptMs: number | undefined;
  /** Time the destination or the breaker made it wait, which the deadline does not count. */
  heldMs: number;
  lastError: FailureReason | undefined;
  /** When it is due again (while it waits), and whether a Retry-After set that time. */
  atMs: number;
  asked: boolean;
  /** It waits out a backoff (counted in `backingOff`). */
  backoff: boolean;
  done: boolean;
}

/**
 * The outermost wrapper: one promise per request that settles once, after as many attempts as
 * fit in `maxRetryMs` from the first (backoff doubling from `retryBaseMs` with jitter, capped
 * at `retryMaxDelayMs`, a Retry-After honoured; sooner while close() runs). Requests waiting for their next attempt sit
 * in one min-heap with one timer for the earliest. Waiting the breaker or a Retry-After
 * imposed does not count against the deadline: an outage is the breaker's business, and the
 * bounded queue's. When the tracker's signal aborts, waiting requests settle at once and
 * attempts in flight with what they meet.
 */
export function withRetry<R extends OutgoingRequest>(inner: AttemptLayer<R>, settings: RetrySettings<R>): RetryLayer<R> {
  const { clock } = settings;
  const heap = createMinHeap<RetryJob<R>>();
  let timer: { handle: TimerHandle; atMs: number } | undefined;
  let retried = 0;
  let backingOff = 0;
  let closingAtMs: number | undefined;

  const finish = (job: RetryJob<R>, result: SendResult) => {
    if (job.done) return;
    job.done = true;
    job.resolve({ result, attempts: job.attempts, lastError: job.lastError });
  };
  const attempt = (job: RetryJob<R>) => {
    const startedMs = clock.now();
    void inner.send(job.request, job.options).then((result) => settle(job, result, startedMs));
  };
  const settle = (job: RetryJob<R>, result: AttemptResult, startedMs: number) => {
    if (job.done) return;
    const aborted = job.options.signal.aborted;
    if (result.kind === 'held' || result.kind === 'unsent') {
      if (aborted || result.kind === 'unsent') return finish(job, { kind: 'failure', reason: 'aborted' });
      job.heldMs += result.waitMs;
      job.asked = true;
      return schedule(job, clock.now() + result.waitMs);
    }
    job.attempts++;
    job.firstAttemptMs ??= startedMs;
    if (result.kind !== 'retryable') return finish(job, result);
    job.lastError = result.reason;
    if (aborted) return finish(job, { kind: 'failure', reason: 'aborted' });
    const now = clock.now();
    const delay = nextDelayMs(settings, job.attempts, result.retryAfterMs, now, closingAtMs);
    job.heldMs += result.retryAfterMs ?? 0;
    if (now + delay > job.firstAttemptMs + settings.maxRetryMs + job.heldMs) return finish(job, result);
    retried += settings.weight(job.request);
    job.backoff = true;
    backingOff++;
    schedule(job, now + delay);
    settings.onBackoff?.();
  };
  const schedule = (job: RetryJob<R>, atMs: number) => {
    heap.push(atMs, job);
    job.atMs = atMs;
    arm();
  };
  const arm = () => {
    const next = heap.peekKey();
    if (next === undefined || (timer !== undefined && timer.atMs <= next)) return;
    if (timer !== undefined) clock.clearTimeout(timer.handle);
    timer = { atMs: next, handle: clock.setTimeout(wake, next - clock.now()) };
  };
  const wake = () => {
    timer = undefined;
    const now = clock.now();
    for (let at = heap.peekKey(); at !== undefined && at <= now; at = heap.peekKey()) {
      const job = heap.pop() as RetryJob<R>;
      if (job.backoff) {
        job.backoff = false;
        backingOff--;
      }
      if (!job.done) attempt(job);
    }
    arm();
  };
  const watch = createAbortWatch(() => {
    if (timer !== undefined) clock.clearTimeout(timer.handle);
    timer = undefined;
    backingOff = 0;
    for (const job of heap.drain()) {
      job.backoff = false;
      finish(job, { kind: 'failure', reason: 'aborted' });
    }
  });

  return {
    send(request, options) {
      return new Promise((resolve) => {
        const job: RetryJob<R> = { request, options, resolve, attempts: 0, firstAttemptMs: undefined, heldMs: 0, lastError: undefined, atMs: 0, asked: false, backoff: false, done: false };
        if (options.signal.aborted) return finish(job, { kind: 'failure', reason: 'aborted' });
        watch(options.signal);
        attempt(job);
      });
    },
    close: (force) => inner.close(force),
    get retried() {
      return retried;
    },
    get waiting() {
      return heap.size;
    },
    get backingOff() {
      return backingOff;
    },
    hurry(atMs) {
      closingAtMs = atMs;
      const now = clock.now();
      const latest = now + hurriedDelayMs(atMs, now);
      // Backoff is ours to shorten; a wait the destination or the breaker asked for is not.
      for (const job of heap.drain()) {
        if (!job.asked) job.atMs = Math.min(job.atMs, latest);
        heap.push(job.atMs, job);
      }
      if (timer !== undefined) clock.clearTimeout(timer.handle);
      timer = undefined;
      arm();
    },
  };
}

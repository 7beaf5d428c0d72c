/**
 * How many attempts may be in flight, adapted as TCP adapts its window (AIMD, the shape of
 * Netflix's concurrency-limits `AIMDLimit`): each healthy answer while the limit is in use
 * adds one, up to `max`, unless it was slow: more than twice the quickest recent answer
 * (+ 10 ms), which says the destination may be queueing what it is sent (as TCP Vegas reads
 * a round trip above the base one); a sign of overload (a timeout, 408, 429, 503, or an answer
 * more than four times slower than the quickest + 50 ms: it queues) takes some off, down to one.
 *
 * At most one decrease per loss event, as TCP reduces its window once per window of lost
 * segments, not once per segment: the overload sign of an attempt that started before the
 * last decrease does not decrease it again (it was sent under the limit that decrease already
 * corrected). A burst of attempts that hung together is one sign, not one per attempt, while
 * a destination that stays overloaded fails attempts sent under each new limit and is backed
 * off from again and again. How much: 10 % when other attempts were answered while this one
 * waited (a hang among answers: the destination copes with most), half when none was (as TCP
 * falls back on a retransmission timeout: the destination has stopped answering).
 *
 * Pure: the caller reports what each attempt met, and the `round` it started in.
 */
export interface ConcurrencyLimit {
  /** Attempts allowed in flight now. */
  readonly limit: number;
  readonly inFlight: number;
  /** Changes with every answer and every decrease; pass the value an attempt started with to `release`. */
  readonly round: number;
  /** Takes a slot when one is free. */
  tryAcquire(): boolean;
  /** Gives a slot back with what its attempt, started in `round` and answered after `rttMs` (when answered), said about the destination's load. */
  release(sample: LoadSample, round: number, rttMs?: number): void;
}

export type LoadSample = 'healthy' | 'overloaded' | 'neutral';

/** A sign of overload while the destination answered others. */
const BACKOFF_RATIO = 0.9;
/** A sign of overload while nothing was answered. */
const SILENCE_RATIO = 0.5;
/** An answer is quick within twice the quickest recent one plus the clock's granularity (the timeout estimator's G). */
const QUICK_SLACK_MS = 10;
/** An answer this much slower than the quickest recent one (4 × + 50 ms) is a sign of overload: the destination queues. */
const QUEUED_RATIO = 4;
const QUEUED_SLACK_MS = 50;
/** Answers over which the quickest is remembered: two windows, so an old minimum ages out. */
const MIN_RTT_WINDOW = 500;

export function createConcurrencyLimit({ initial, max }: { initial: number; max: number }): ConcurrencyLimit {
  let limit = Math.max(1, Math.min(initial, max));
  let inFlight = 0;
  let round = 0;
  /** The round the last decrease began: attempts started earlier do not decrease again. */
  let decreasedAt = 0;
  // The quickest answer of the current and the previous window of answers.
  let minRtt = Infinity;
  let windowMin = Infinity;
  let windowCount = 0;
  /** How the answer's time compares with the quickest recent one. */
  const pace = (rttMs: number | undefined): 'quick' | 'slow' | 'queued' => {
    if (rttMs === undefined) return 'quick';
    windowMin = Math.min(windowMin, rttMs);
    if (++windowCount >= MIN_RTT_WINDOW) {
      minRtt = windowMin;
      windowMin = Infinity;
      windowCount = 0;
    }
    const base = Math.min(minRtt, windowMin);
    if (rttMs <= 2 * base + QUICK_SLACK_MS) return 'quick';
    return rttMs > QUEUED_RATIO * base + QUEUED_SLACK_MS ? 'queued' : 'slow';
  };
  const decrease = (ratio: number) => {
    limit = Math.max(1, limit * ratio);
    decreasedAt = ++round;
  };
  return {
    get limit() {
      return Math.floor(limit);
    },
    get inFlight() {
      return inFlight;
    },
    get round() {
      return round;
    },
    tryAcquire() {
      if (inFlight >= Math.floor(limit)) return false;
      inFlight++;
      return true;
    },
    release(sample, startedRound, rttMs) {
      // Sent under the current limit: what it met may still change it.
      const current = startedRound >= decreasedAt;
      if (sample === 'healthy') {
        const answered = pace(rttMs);
        // Grow only while the limit is what holds us back (half of it or more in use) and the destination does not queue.
        if (answered === 'quick' && inFlight * 2 >= limit) limit = Math.min(max, limit + 1);
        round++;
        if (answered === 'queued' && current) decrease(BACKOFF_RATIO);
      } else if (sample === 'overloaded' && current) {
        decrease(startedRound === round ? SILENCE_RATIO : BACKOFF_RATIO);
      }
      inFlight--;
    },
  };
}

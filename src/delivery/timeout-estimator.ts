/**
 * The per-attempt deadline, from the latency of the destination's answers as TCP computes its
 * retransmission timeout (RFC 6298): smoothed RTT + 4 × its variation, never below `minMs`,
 * never above `maxMs`. Before the first answer it is min(1 s, `maxMs`). A timeout doubles it
 * until the next answer, once per round: timeouts of attempts that started before the last
 * change do not double it again, so a burst of hung attempts among quick answers leaves it
 * where the answers put it. Pure.
 */
export interface TimeoutEstimator {
  /** The deadline to give an attempt that starts now. */
  readonly timeoutMs: number;
  /** Changes whenever the deadline does; pass the value an attempt started with to `timedOut`. */
  readonly round: number;
  /** An answer (any status) came back after `rttMs`. */
  answered(rttMs: number): void;
  /** An attempt that started in `round` ran out of time. */
  timedOut(round: number): void;
}

/** RFC 6298's initial RTO. */
const INITIAL_MS = 1000;
/** The clock's granularity term G. */
const GRANULARITY_MS = 10;

export function createTimeoutEstimator({ minMs, maxMs }: { minMs: number; maxMs: number }): TimeoutEstimator {
  let smoothed: number | undefined;
  let variation = 0;
  let base = Math.min(INITIAL_MS, maxMs);
  let backoff = 1;
  let round = 0;
  const clamp = (ms: number) => Math.min(maxMs, Math.max(minMs, Math.round(ms)));
  return {
    get timeoutMs() {
      return clamp(base * backoff);
    },
    get round() {
      return round;
    },
    answered(rttMs) {
      const sample = Math.max(0, rttMs);
      if (smoothed === undefined) {
        smoothed = sample;
        variation = sample / 2;
      } else {
        variation = 0.75 * variation + 0.25 * Math.abs(smoothed - sample);
        smoothed = 0.875 * smoothed + 0.125 * sample;
      }
      base = smoothed + Math.max(GRANULARITY_MS, 4 * variation);
      backoff = 1;
      round++;
    },
    timedOut(startedRound) {
      if (startedRound !== round || base * backoff >= maxMs) return;
      backoff *= 2;
      round++;
    },
  };
}

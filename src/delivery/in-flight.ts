import type { Clock, TimerHandle } from './clock.js';

/** An attempt on the wire, as the deadline book sees it. */
export interface Expirable {
  readonly deadlineMs: number;
  /** The tracker's close signal this attempt was sent under. */
  readonly signal: AbortSignal;
  /** Ends the attempt; it calls `InFlight.delete` itself, at once or later. */
  expire(why: 'timeout' | 'aborted'): void;
}

/**
 * The attempts a transport has on the wire, with ONE timer for all their deadlines and ONE
 * abort listener per close signal: a send arms no timer and adds no listener of its own,
 * which profiles showed as a large share of a send's cost.
 *
 * The timer is armed for the earliest deadline known when it was armed; an attempt that
 * answers first does not disarm it (re-arming costs more than a wake-up that finds nothing
 * due). When it fires it expires what is due and re-arms for the earliest that remains, so
 * under steady load it wakes about once per deadline's length, not once per send. The set
 * is scanned only then: it holds at most the transport's attempts in flight.
 */
export interface InFlight<A extends Expirable> {
  add(attempt: A): void;
  delete(attempt: A): void;
}

export function createInFlight<A extends Expirable>(clock: Clock): InFlight<A> {
  const attempts = new Set<A>();
  const watched = new WeakSet<AbortSignal>();
  let timer: TimerHandle | undefined;
  let armedAt = Infinity;

  const disarm = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    armedAt = Infinity;
  };
  const arm = (atMs: number) => {
    disarm();
    armedAt = atMs;
    timer = clock.setTimeout(onTimer, atMs - clock.now());
  };
  function onTimer(): void {
    timer = undefined;
    armedAt = Infinity;
    const now = clock.now();
    let next = Infinity;
    for (const attempt of attempts) {
      if (attempt.deadlineMs <= now) attempt.expire('timeout');
      else if (attempt.deadlineMs < next) next = attempt.deadlineMs;
    }
    if (next !== Infinity && attempts.size > 0 && timer === undefined) arm(next);
  }
  /** Listens once per signal, for good: the signal is the tracker's, and lives as long as it. */
  const watch = (signal: AbortSignal) => {
    if (watched.has(signal)) return;
    watched.add(signal);
    signal.addEventListener('abort', () => {
      for (const attempt of attempts) if (attempt.signal === signal) attempt.expire('aborted');
    }, { once: true });
  };

  return {
    add(attempt) {
      attempts.add(attempt);
      watch(attempt.signal);
      if (attempt.deadlineMs < armedAt) arm(attempt.deadlineMs);
    },
    delete(attempt) {
      // Nothing left to time: no timer stays armed behind an idle transport.
      if (attempts.delete(attempt) && attempts.size === 0) disarm();
    },
  };
}

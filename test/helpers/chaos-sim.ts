import { createRandom } from '../../src/collector/random.js';
import type { Clock, TimerHandle } from '../../src/delivery/clock.js';
import type { TrackerOptions } from '../../src/delivery/options.js';
import { createTracker, type CloseResult, type TrackerStats } from '../../src/delivery/tracker.js';
import { classifyStatus, type SendOptions, type SendResult, type Transport } from '../../src/delivery/transport.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { T0, TEST_KEY } from './context.js';
import { requestFor } from './tracker.js';

/**
 * A discrete-event clock: time moves only in `run`, timers fire in order, and `soon` work
 * (the drain's slices) runs in virtual time too, with the microtasks it starts flushed
 * before the clock moves on. Nothing here reads the wall clock: a run is the same every time.
 */
export interface SimClock extends Clock {
  /** Runs everything due up to and including `atMs`, then stays there. */
  runUntil(atMs: number): Promise<void>;
  /** Timers not yet run. */
  readonly pending: number;
  /** The earliest timer's time, or undefined. */
  readonly nextAtMs: number | undefined;
}

const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createSimClock(startMs = T0): SimClock {
  let now = startMs;
  let nextId = 0;
  // Timers by the millisecond they are due (rounded up): at most one bucket per ms.
  const buckets = new Map<number, Map<number, () => void>>();
  const where = new Map<number, number>();
  const times: number[] = [];
  let soonQueue: (() => void)[] = [];
  const insertTime = (at: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) < at) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, at);
  };
  const runDueNow = async () => {
    for (;;) {
      let ran = false;
      while (soonQueue.length > 0) {
        const queue = soonQueue;
        soonQueue = [];
        for (const fn of queue) fn();
        ran = true;
        await flushMicrotasks();
      }
      const bucket = buckets.get(now);
      if (bucket !== undefined && bucket.size > 0) {
        buckets.delete(now);
        times.shift();
        for (const [id, fn] of bucket) {
          where.delete(id);
          fn();
        }
        ran = true;
        await flushMicrotasks();
      }
      if (!ran) return;
    }
  };
  return {
    now: () => now,
    soon(fn) {
      soonQueue.push(fn);
    },
    setTimeout(fn, ms) {
      const id = nextId++;
      const at = Math.max(now, Math.ceil(now + Math.max(0, ms)));
      let bucket = buckets.get(at);
      if (bucket === undefined) {
        buckets.set(at, (bucket = new Map()));
        insertTime(at);
      }
      bucket.set(id, fn);
      where.set(id, at);
      return { id };
    },
    clearTimeout(handle: TimerHandle) {
      const id = handle.id as number;
      const at = where.get(id);
      if (at === undefined) return;
      where.delete(id);
      buckets.get(at)?.delete(id);
    },
    async runUntil(atMs) {
      await runDueNow();
      while (times.length > 0 && (times[0] as number) <= atMs) {
        now = Math.max(now, times[0] as number);
        if (buckets.get(now)?.size === 0) {
          buckets.delete(now);
          times.shift();
          continue;
        }
        await runDueNow();
      }
      now = Math.max(now, atMs);
      await runDueNow();
    },
    get pending() {
      return where.size;
    },
    get nextAtMs() {
      return times[0];
    },
  };
}

/** What the simulated destination does with one attempt. */
export type Fate = { kind: 'answer'; status: number; afterMs: number } | { kind: 'hang' };

export interface SimDestination extends Transport {
  /** Attempts the destination received, and how many are on it now. */
  readonly attempts: number;
  readonly inFlight: number;
  readonly mostInFlight: number;
}

/**
 * A transport that is the destination itself, on the simulated clock: each attempt meets a
 * fate, answers after its virtual time or hangs until its deadline (a timeout, as undici's
 * transport reports one) or until the tracker's signal aborts it.
 */
export function createSimDestination(clock: SimClock, fate: (inFlight: number) => Fate): SimDestination {
  let attempts = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  return {
    send(_request, options: SendOptions): Promise<SendResult> {
      if (options.signal.aborted) return Promise.resolve({ kind: 'failure', reason: 'aborted' });
      attempts++;
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const met = fate(inFlight);
      return new Promise((resolve) => {
        let done = false;
        const timers: TimerHandle[] = [];
        const finish = (result: SendResult) => {
          if (done) return;
          done = true;
          inFlight--;
          for (const timer of timers) clock.clearTimeout(timer);
          options.signal.removeEventListener('abort', onAbort);
          resolve(result);
        };
        const onAbort = () => finish({ kind: 'failure', reason: 'aborted', error: 'tracker closed' });
        options.signal.addEventListener('abort', onAbort, { once: true });
        if (met.kind === 'answer' && met.afterMs < options.timeoutMs) timers.push(clock.setTimeout(() => finish(classifyStatus(met.status, undefined, clock.now())), met.afterMs));
        timers.push(clock.setTimeout(() => finish({ kind: 'retryable', reason: 'timeout', error: 'timeout' }), options.timeoutMs));
      });
    },
    close: () => Promise.resolve(),
    get attempts() {
      return attempts;
    },
    get inFlight() {
      return inFlight;
    },
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

/** The seed's chaos, per attempt: 500 with 20% chance, else never answering with 20%, else 204; answers in 1–5 ms. */
export function seedChaos(seed: number): (inFlight: number) => Fate {
  const random = createRandom(seed);
  return () => {
    const draw = random();
    const afterMs = 1 + Math.floor(random() * 5);
    if (draw < 0.2) return { kind: 'answer', status: 500, afterMs };
    if (draw < 0.4) return { kind: 'hang' };
    return { kind: 'answer', status: 204, afterMs };
  };
}

export interface SimRun {
  readonly tracked: number;
  readonly stats: TrackerStats;
  readonly closed: CloseResult;
  /** sent / tracked. */
  readonly delivered: number;
  /** Virtual ms close() took. */
  readonly closeMs: number;
  /** The concurrency limit, sampled every 500 virtual ms during the load. */
  readonly limits: number[];
  readonly attempts: number;
  readonly mostInFlight: number;
  readonly describe: string;
}

/**
 * Tracks `hitsPerSecond` hits of virtual time for `seconds` from one loaded API server (one
 * consumer, so 25 hits a GA4 request), with the default tracker options through `fate`; then
 * close({ timeoutMs: 30000 }).
 */
export async function simulate({ hitsPerSecond, seconds, fate, options = {}, consumers = 1 }: { hitsPerSecond: number; seconds: number; fate: (clock: SimClock) => (inFlight: number) => Fate; options?: Partial<TrackerOptions>; consumers?: number }): Promise<SimRun> {
  const clock = createSimClock();
  const destination = createSimDestination(clock, fate(clock));
  const tracker = createTracker({
    destination: ga4({ measurementId: 'G-SIM0000000', apiSecret: 'sim' }),
    hashKey: TEST_KEY,
    flushOnExit: false,
    random: createRandom(7),
    ...options,
    clock,
    transport: destination,
  });
  const limits: number[] = [];
  let tracked = 0;
  const perMs = hitsPerSecond / 1000;
  let owed = 0;
  for (let ms = 0; ms < seconds * 1000; ms++) {
    owed += perMs;
    for (; owed >= 1; owed--) tracker.track(requestFor(`consumer-${tracked % consumers}`, tracked++));
    if (ms % 500 === 0) limits.push(tracker.stats().concurrency);
    await clock.runUntil(T0 + ms + 1);
  }
  const closeStarted = clock.now();
  let closed: CloseResult | undefined;
  void tracker.close({ timeoutMs: 30_000 }).then((result) => (closed = result));
  while (closed === undefined) {
    const next = clock.nextAtMs;
    await clock.runUntil(next ?? clock.now() + 1);
  }
  const stats = tracker.stats();
  const delivered = stats.sent / tracked;
  const describe = `${hitsPerSecond} hits/s for ${seconds} s: delivered ${(100 * delivered).toFixed(2)}% (${stats.sent} of ${tracked}), close() took ${clock.now() - closeStarted} virtual ms; failed ${JSON.stringify(stats.failedByReason)}; dropped ${JSON.stringify(stats.droppedByReason)}; retried ${stats.retried}; timed out ${stats.timedOut}; ${destination.attempts} attempts, at most ${destination.mostInFlight} at once; limit every 0.5 s ${limits.join(' ')}; attempt deadline ${stats.attemptTimeoutMs} ms`;
  return { tracked, stats, closed: closed, delivered, closeMs: clock.now() - closeStarted, limits, attempts: destination.attempts, mostInFlight: destination.mostInFlight, describe };
}

import type { Hit } from '../core/hit.js';
import { systemClock } from '../delivery/clock.js';
import type { TrackerOptions } from '../delivery/options.js';
import type { TrackInput } from '../delivery/track-input.js';
import { assembleTracker, type Tracker } from '../delivery/tracker.js';
import { FootfallError, describeValue } from '../errors.js';
import type { Ga4Payload } from '../protocols/ga4/encode.js';
import { ga4 } from '../protocols/ga4/destination.js';
import type { UaDestination } from '../protocols/ua/destination.js';
import { describeHits } from './describe-hits.js';
import { createMemoryTransport, type RecordedRequest, type Respond } from './memory-transport.js';
import { createSyncScheduler } from './sync-scheduler.js';

/** The hash key every test tracker uses unless told otherwise: ids are the same on every run. */
export const TEST_HASH_KEY = 'footfall-test-hash-key';
/** The default destination's measurement id (the payloads' URL carries it). */
export const TEST_MEASUREMENT_ID = 'G-TEST000000';

/**
 * Options of `createTestTracker`: any tracker option but the ones it owns (`transport`,
 * `flushIntervalMs`, `maxInFlight`), plus how the in-memory destination answers.
 */
export interface TestTrackerOptions extends Omit<Partial<TrackerOptions>, 'transport' | 'flushIntervalMs' | 'maxInFlight'> {
  /** HTTP status the in-memory destination answers each request with (a 5xx is retried, as in production). @default 204 for GA4, 200 for UA */
  respond?: Respond | undefined;
}

/** A real tracker that delivers into memory, and shows what it would have sent. */
export interface TestTracker<P = Ga4Payload> extends Tracker {
  /** Every hit built so far, in order: available as soon as `track()` returns. */
  readonly hits: readonly Hit[];
  /** The body of each request: GA4 payloads parsed from their JSON, or UA v1 bodies as sent. One request per hit. */
  readonly payloads: readonly P[];
  /** Every delivery attempt (retries included), with URL, content type, body and hits. */
  readonly requests: readonly RecordedRequest[];
  /** Forgets hits, payloads and requests (not `stats()`, which counts for the tracker's life). */
  reset(): void;
  /** Resolves with `hits` once there are at least `count`; rejects after `timeoutMs` (real time, default 2 000) listing what was tracked. Its timer lives only while it waits. */
  waitForHits(count: number, options?: { timeoutMs?: number }): Promise<readonly Hit[]>;
}

/**
 * A tracker for tests: `createTracker` itself, with the same hit building, encoders and
 * accounting as production, whose destination is in memory. Each `track()` builds, encodes
 * and "sends" its hit before returning, so `hits` and `payloads` are up to date whenever an
 * adapter has tracked a response. Defaults: GA4 `G-TEST000000`, a fixed hash key, no exit or
 * signal hooks; timers come from `clock` (unref'd system timers by default).
 */
export function createTestTracker(options: TestTrackerOptions & { destination: UaDestination }): TestTracker<string>;
export function createTestTracker(options?: TestTrackerOptions): TestTracker;
export function createTestTracker(options: TestTrackerOptions = {}): TestTracker<Ga4Payload | string> {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  const { respond, ...rest } = options;
  const destination = rest.destination ?? ga4({ measurementId: TEST_MEASUREMENT_ID, apiSecret: 'test' });
  const success = destination.kind === 'ga4' ? 204 : 200;
  if (respond !== undefined && typeof respond !== 'function') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'respond', 'a function returning an HTTP status', describeValue(respond));
  const transport = createMemoryTransport(respond ?? (() => success), () => collect());
  const trackerOptions: TrackerOptions = {
    hashKey: TEST_HASH_KEY,
    flushOnExit: false,
    closeOnSignals: false,
    ...rest,
    destination,
    clock: rest.clock ?? systemClock,
    transport,
    maxInFlight: 10_000,
  };
  // Background work runs at once, through the production drain: the hit reaches the in-memory
  // transport (and `hits`) before track() returns. No concurrency limit holds an attempt back.
  const tracker = assembleTracker(trackerOptions, { scheduler: createSyncScheduler(), initialConcurrency: trackerOptions.maxInFlight });

  const seen = new WeakSet<object>();
  let hits: Hit[] = [];
  let payloads: (Ga4Payload | string)[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  /** Takes the requests the transport saw since last time; a retried request counts once. */
  const collect = () => {
    for (const request of transport.requests) {
      if (seen.has(request.hits)) continue;
      seen.add(request.hits);
      hits.push(...request.hits);
      if (destination.kind !== 'ga4') payloads.push(request.body);
      // collector(url) sends many consumers' payloads per request (/mp/batch): one entry each.
      else if (destination.batchEndpoint !== undefined) payloads.push(...(JSON.parse(request.body) as Ga4Payload[]));
      else payloads.push(JSON.parse(request.body) as Ga4Payload);
    }
    if (waiters.length === 0) return;
    const ready = waiters.filter((waiter) => hits.length >= waiter.count);
    waiters = waiters.filter((waiter) => hits.length < waiter.count);
    for (const waiter of ready) waiter.resolve();
  };

  return {
    track: (input: TrackInput) => tracker.track(input),
    flush: () => tracker.flush(),
    close: (closeOptions) => tracker.close(closeOptions),
    stats: () => tracker.stats(),
    on: (event, listener) => tracker.on(event, listener),
    get hits() {
      return [...hits];
    },
    get payloads() {
      return [...payloads];
    },
    get requests() {
      return [...transport.requests];
    },
    reset() {
      transport.requests.length = 0;
      hits = [];
      payloads = [];
    },
    waitForHits(count, waitOptions = {}) {
      if (hits.length >= count) return Promise.resolve([...hits]);
      const timeoutMs = waitOptions.timeoutMs ?? 2_000;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== entry);
          reject(new Error(`waited ${timeoutMs} ms for ${count} hit(s); ${describeHits(hits)}`));
        }, timeoutMs);
        const entry = { count, resolve: () => { clearTimeout(timer); resolve([...hits]); } };
        waiters.push(entry);
      });
    },
  };
}

import type { AttemptLayer, AttemptResult } from './attempt-layer.js';
import type { Clock } from './clock.js';
import { UNSENT, createAbortWatch } from './attempt-layer.js';
import type { ConcurrencyLimit, LoadSample } from './concurrency-limit.js';
import { createRingBuffer } from './ring-buffer.js';
import type { OutgoingRequest, SendOptions } from './transport.js';

export interface ConcurrencyLayer<R extends OutgoingRequest> extends AttemptLayer<R> {
  /** Attempts past the breaker, on the wire. */
  readonly inFlight: number;
  /** Attempts waiting for a slot, first come first served. */
  readonly waiting: number;
  readonly limit: number;
}

interface Waiter<R> {
  readonly request: R;
  readonly options: SendOptions;
  readonly resolve: (result: Promise<AttemptResult> | AttemptResult) => void;
}

/** At most `limit.limit` attempts at once; the others wait in line. When the tracker closes, the line is sent away unsent. */
export function withConcurrency<R extends OutgoingRequest>(inner: AttemptLayer<R>, limit: ConcurrencyLimit, clock: Clock): ConcurrencyLayer<R> {
  let line = createRingBuffer<Waiter<R>>();
  const run = (request: R, options: SendOptions): Promise<AttemptResult> => {
    const round = limit.round;
    const startedMs = clock.now();
    return inner.send(request, options).then((result) => {
      limit.release(loadOf(result), round, clock.now() - startedMs);
      next();
      return result;
    });
  };
  const next = () => {
    while (line.length > 0 && limit.tryAcquire()) {
      const waiter = line.shift() as Waiter<R>;
      waiter.resolve(run(waiter.request, waiter.options));
    }
  };
  const watch = createAbortWatch(() => {
    const waiting = line;
    line = createRingBuffer<Waiter<R>>();
    for (let waiter = waiting.shift(); waiter !== undefined; waiter = waiting.shift()) waiter.resolve(UNSENT);
  });
  return {
    send(request, options) {
      if (options.signal.aborted) return Promise.resolve(UNSENT);
      if (limit.tryAcquire()) return run(request, options);
      watch(options.signal);
      return new Promise((resolve) => line.push({ request, options, resolve }));
    },
    close: (force) => inner.close(force),
    get inFlight() {
      return limit.inFlight;
    },
    get waiting() {
      return line.length;
    },
    get limit() {
      return limit.limit;
    },
  };
}

/** Timeouts, 408, 429 and 503 mean the destination is overloaded; a quick answer means it copes. */
function loadOf(result: AttemptResult): LoadSample {
  if (result.kind === 'held' || result.kind === 'unsent') return 'neutral';
  if (result.kind === 'success') return 'healthy';
  if (result.reason === 'timeout' || result.reason === 'http_429' || result.reason === 'http_408' || result.status === 503) return 'overloaded';
  return result.status === undefined ? 'neutral' : 'healthy';
}

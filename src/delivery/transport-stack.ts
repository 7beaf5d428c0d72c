import { createBreaker, type Breaker, type BreakerChange } from './breaker.js';
import { createConcurrencyLimit } from './concurrency-limit.js';
import type { ResolvedTrackerOptions } from './options.js';
import { createTimeoutEstimator } from './timeout-estimator.js';
import type { Transport } from './transport.js';
import { createUndiciTransport } from './undici-transport.js';
import type { EncodedRequest } from './wire-format.js';
import { createFailureWatch, withFailureWatch, type FailingSummary, type FailureWatch } from './failure-watch.js';
import { withBreaker } from './with-breaker.js';
import { withConcurrency, type ConcurrencyLayer } from './with-concurrency.js';
import { withRetry, type RetryLayer } from './with-retry.js';
import { withTimeout, type TimeoutLayer } from './with-timeout.js';

/** The layers a request goes through, each kept for its figures in `stats()`. */
export interface TransportStack {
  readonly retry: RetryLayer<EncodedRequest>;
  readonly concurrency: ConcurrencyLayer<EncodedRequest>;
  readonly breaker: Breaker;
  readonly timeout: TimeoutLayer<EncodedRequest>;
  readonly watch: FailureWatch;
}

/** Attempts allowed in flight before the first answer; the limit grows from here. */
export const INITIAL_CONCURRENCY = 8;

/**
 * withRetry(withConcurrency(withFailureWatch(withBreaker(withTimeout(transport))))): retries outermost, so a
 * request waiting for its next attempt holds no slot; the breaker inside the slot, so it
 * judges and holds back attempts, not requests; the adaptive deadline around the wire.
 */
export function createTransportStack(settings: ResolvedTrackerOptions, deps: { random: () => number; onBreakerChange: (change: BreakerChange) => void; onFailing: (summary: FailingSummary) => void; onBackoff?: (() => void) | undefined; initialConcurrency?: number | undefined }): TransportStack {
  const { clock } = settings;
  const { destination } = settings;
  const transport: Transport<EncodedRequest> = settings.transport ?? (destination.kind === 'queue' ? destination.createTransport({ clock }) : createUndiciTransport({ connections: settings.maxInFlight, clock }));
  const timeout = withTimeout(transport, createTimeoutEstimator({ minMs: settings.minTimeoutMs, maxMs: settings.timeoutMs }), clock);
  const breaker = createBreaker(settings.breaker, clock, deps.onBreakerChange);
  const limit = createConcurrencyLimit({ initial: deps.initialConcurrency ?? INITIAL_CONCURRENCY, max: settings.maxInFlight });
  const watch = createFailureWatch({ clock, breakerState: () => breaker.state, onFailing: deps.onFailing });
  const concurrency = withConcurrency(withFailureWatch(withBreaker(timeout, breaker), watch), limit, clock);
  const retry = withRetry(concurrency, {
    maxRetryMs: settings.maxRetryMs,
    retryBaseMs: settings.retryBaseMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    clock,
    random: deps.random,
    weight: (request) => request.hits.length,
    onBackoff: deps.onBackoff,
  });
  return { retry, concurrency, breaker, timeout, watch };
}

import { FootfallError, describeValue } from '../errors.js';
import type { HitOptions } from '../hit-options.js';
import type { Ga4Destination } from '../protocols/ga4/destination.js';
import type { UaDestination } from '../protocols/ua/destination.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { booleanOption, functionOption, integerOption } from '../option-checks.js';
import type { Transport } from './transport.js';
import type { DeliveryReport, FailureReport } from './events.js';

export type Destination = Ga4Destination | UaDestination;

/** Options of `createTracker`. Every one is optional but `destination`; defaults in docs/delivery.md. */
export interface TrackerOptions extends HitOptions {
  /** Where hits go: `ga4({...})` or `ua({...})`. */
  destination: Destination;
  /** Deadline of one HTTP attempt. @default 5_000 (the seed's timeout) */
  timeoutMs?: number | undefined;
  /** Queued hits are sent at least this often. @default 5_000 */
  flushIntervalMs?: number | undefined;
  /** Hits waiting (queued, in flight or between retries) at most; past it new hits are dropped (`queue_full`). @default 10_000 */
  maxQueueSize?: number | undefined;
  /** Estimated bytes those hits may hold. @default 8_388_608 (8 MiB) */
  maxQueueBytes?: number | undefined;
  /** HTTP requests in flight at once (also the connection pool size). @default 4 */
  maxInFlight?: number | undefined;
  /** Total time a request may spend retrying, from its first attempt; then its hits fail (`retry_deadline`). @default 60_000 */
  maxRetryMs?: number | undefined;
  /** First retry delay; doubles per retry, with jitter. @default 500 */
  retryBaseMs?: number | undefined;
  /** Longest delay between two attempts. @default 30_000 */
  retryMaxDelayMs?: number | undefined;
  /** Failed attempts in a row that open the circuit breaker. @default 5 */
  breakerThreshold?: number | undefined;
  /** How long the open breaker waits before one probe; doubles per failed probe. @default 30_000 */
  breakerCooldownMs?: number | undefined;
  /** Longest cool-down. @default 300_000 */
  breakerMaxCooldownMs?: number | undefined;
  /** Default deadline of `close()`. @default 5_000 */
  closeTimeoutMs?: number | undefined;
  /** Flush on the process's `beforeExit`. @default true */
  flushOnExit?: boolean | undefined;
  /** Close on SIGTERM/SIGINT, then let the process exit as it would have. @default false */
  closeOnSignals?: boolean | undefined;
  /** Called with each delivered batch (the seed's success_cb). Errors in it are caught. */
  onSuccess?: ((report: DeliveryReport) => void) | undefined;
  /** Called with each failed batch (the seed's failure_cb). Errors in it are caught. */
  onFailure?: ((report: FailureReport) => void) | undefined;
  /** Injected clock. @default the system clock, timers unref'd */
  clock?: Clock | undefined;
  /** Injected transport. @default undici with keep-alive */
  transport?: Transport | undefined;
}

export interface ResolvedTrackerOptions {
  readonly destination: Destination;
  readonly timeoutMs: number;
  readonly flushIntervalMs: number;
  readonly maxQueueSize: number;
  readonly maxQueueBytes: number;
  readonly maxInFlight: number;
  readonly maxRetryMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly breakerThreshold: number;
  readonly breakerCooldownMs: number;
  readonly breakerMaxCooldownMs: number;
  readonly closeTimeoutMs: number;
  readonly flushOnExit: boolean;
  readonly closeOnSignals: boolean;
  readonly onSuccess: ((report: DeliveryReport) => void) | undefined;
  readonly onFailure: ((report: FailureReport) => void) | undefined;
  readonly clock: Clock;
  readonly transport: Transport | undefined;
}

/** Validates the delivery options once; throws FootfallError naming the option. */
export function resolveTrackerOptions(options: TrackerOptions): ResolvedTrackerOptions {
  const destination = options.destination;
  if (destination === null || typeof destination !== 'object' || (destination.kind !== 'ga4' && destination.kind !== 'ua')) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'destination', 'ga4({ measurementId, apiSecret }) or ua({ trackingId })', describeValue(destination));
  }
  const number = (name: keyof TrackerOptions, fallback: number, min = 1) => integerOption(name, options[name], fallback, min);
  return Object.freeze({
    destination,
    timeoutMs: number('timeoutMs', 5_000),
    flushIntervalMs: number('flushIntervalMs', 5_000),
    maxQueueSize: number('maxQueueSize', 10_000),
    maxQueueBytes: number('maxQueueBytes', 8_388_608, 1024),
    maxInFlight: number('maxInFlight', 4),
    maxRetryMs: number('maxRetryMs', 60_000, 0),
    retryBaseMs: number('retryBaseMs', 500),
    retryMaxDelayMs: number('retryMaxDelayMs', 30_000),
    breakerThreshold: number('breakerThreshold', 5),
    breakerCooldownMs: number('breakerCooldownMs', 30_000),
    breakerMaxCooldownMs: number('breakerMaxCooldownMs', 300_000),
    closeTimeoutMs: number('closeTimeoutMs', 5_000, 0),
    flushOnExit: booleanOption('flushOnExit', options.flushOnExit, true),
    closeOnSignals: booleanOption('closeOnSignals', options.closeOnSignals, false),
    onSuccess: functionOption('onSuccess', options.onSuccess),
    onFailure: functionOption('onFailure', options.onFailure),
    clock: options.clock ?? systemClock,
    transport: options.transport,
  });
}

import { FootfallError, describeValue } from '../errors.js';
import { HIT_OPTION_KEYS, type HitOptions } from '../hit-options.js';
import type { Ga4Destination } from '../protocols/ga4/destination.js';
import type { UaDestination } from '../protocols/ua/destination.js';
import { QUEUE_FLUSH_INTERVAL_MS, type QueueDestination } from './queue-destination.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { booleanOption, functionOption, integerOption, optionKeys, orderedOptions, rateOption, refuseUnknownKeys } from '../option-checks.js';
import type { CloseOptions } from './tracker-api.js';
import type { BreakerSettings } from './breaker.js';
import type { Transport } from './transport.js';
import type { DeliveryReport, FailureReport } from './events.js';

export type Destination = Ga4Destination | UaDestination | QueueDestination;

/** Options of `createTracker`. Every one is optional but `destination`; defaults in docs/delivery.md. */
export interface TrackerOptions extends HitOptions {
  /** Where hits go: `ga4({...})`, `collector(url)` (a local Footfall collector, no Google ids), `ua({...})`, or `queue({...})` from footfall/queue (Redis, for `footfall worker`). */
  destination: Destination;
  /** Longest deadline of one HTTP attempt; the deadline follows the destination's answers below it. @default 5_000 (the seed's timeout) */
  timeoutMs?: number | undefined;
  /** Shortest deadline of one HTTP attempt. @default 250 (or `timeoutMs` when lower) */
  minTimeoutMs?: number | undefined;
  /** Queued hits are sent at least this often. @default 5_000; 100 with a `queue()` destination (under Jest: no interval, hits go on flush(), close() or a full batch; see docs/testing.md) */
  flushIntervalMs?: number | undefined;
  /** Hits waiting (queued, in flight or between retries) at most; past it new hits are dropped (`queue_full`). @default 10_000 */
  maxQueueSize?: number | undefined;
  /** Estimated bytes those hits may hold. @default 8_388_608 (8 MiB) */
  maxQueueBytes?: number | undefined;
  /** Most HTTP attempts in flight at once (also the connection pool size); the limit adapts below it. @default 64 */
  maxInFlight?: number | undefined;
  /** Time a request may spend retrying, from its first attempt, not counting waits the breaker or a Retry-After imposed; then its hits fail (`retry_deadline`). @default 60_000 */
  maxRetryMs?: number | undefined;
  /** First retry delay; doubles per retry, with jitter. @default 500 */
  retryBaseMs?: number | undefined;
  /** Longest delay between two attempts of a request (a Retry-After may ask for longer). @default 2_000 */
  retryMaxDelayMs?: number | undefined;
  /** Share of failed attempts in the breaker's window that opens it. @default 0.9 */
  breakerFailureRatio?: number | undefined;
  /** Attempts in the window before that share is judged. @default 20 */
  breakerMinAttempts?: number | undefined;
  /** Attempts older than this leave the breaker's window. @default 10_000 */
  breakerWindowMs?: number | undefined;
  /** The breaker also opens when no attempt has succeeded for this long, with a run of failures too long for the destination's usual failure rate (5 to 20 in a row). @default 5_000 */
  breakerNoSuccessMs?: number | undefined;
  /** How long the open breaker waits before one probe; doubles per failed probe. @default 5_000 (1_000 with a `queue()` destination) */
  breakerCooldownMs?: number | undefined;
  /** Longest cool-down. @default 60_000 (5_000 with a `queue()` destination) */
  breakerMaxCooldownMs?: number | undefined;
  /** Default deadline of `close()`. @default 5_000 */
  closeTimeoutMs?: number | undefined;
  /** Flush on the process's `beforeExit`. @default true (false under Jest, whose test files are gone by then) */
  flushOnExit?: boolean | undefined;
  /** Close on SIGTERM/SIGINT, then let the process exit as it would have; when the app handles the signal itself, only flush (the app closes, and exits). @default false */
  closeOnSignals?: boolean | undefined;
  /** Called with each delivered batch (the seed's success_cb). Errors in it are caught. */
  onSuccess?: ((report: DeliveryReport) => void) | undefined;
  /** Called with each failed batch (the seed's failure_cb). Errors in it are caught. */
  onFailure?: ((report: FailureReport) => void) | undefined;
  /** Injected clock. @default the system clock, timers unref'd */
  clock?: Clock | undefined;
  /** Injected transport. @default undici with keep-alive */
  transport?: Transport | undefined;
  /**
   * Send to Google Analytics even under a test runner (`JEST_WORKER_ID`, `VITEST`, `node --test`
   * or `NODE_ENV=test`). Without it such a tracker drops its hits (`test_environment`) and warns
   * FFWRN006; a local collector or an injected transport is never held back. @default false
   */
  sendInTests?: boolean | undefined;
}

export interface ResolvedTrackerOptions {
  readonly destination: Destination;
  readonly timeoutMs: number;
  readonly minTimeoutMs: number;
  /** Undefined: no interval (under Jest, unless given). */
  readonly flushIntervalMs: number | undefined;
  readonly maxQueueSize: number;
  readonly maxQueueBytes: number;
  readonly maxInFlight: number;
  readonly maxRetryMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly breaker: BreakerSettings;
  readonly closeTimeoutMs: number;
  readonly flushOnExit: boolean;
  readonly closeOnSignals: boolean;
  readonly onSuccess: ((report: DeliveryReport) => void) | undefined;
  readonly onFailure: ((report: FailureReport) => void) | undefined;
  readonly clock: Clock;
  readonly transport: Transport | undefined;
  readonly sendInTests: boolean;
}

const TRACKER_KEYS = new Set<string>([
  ...HIT_OPTION_KEYS,
  'destination', 'timeoutMs', 'minTimeoutMs', 'flushIntervalMs', 'maxQueueSize', 'maxQueueBytes', 'maxInFlight', 'maxRetryMs', 'retryBaseMs', 'retryMaxDelayMs',
  'breakerFailureRatio', 'breakerMinAttempts', 'breakerWindowMs', 'breakerNoSuccessMs', 'breakerCooldownMs', 'breakerMaxCooldownMs',
  'closeTimeoutMs', 'flushOnExit', 'closeOnSignals', 'onSuccess', 'onFailure', 'clock', 'transport', 'sendInTests',
] satisfies (keyof TrackerOptions)[]);

const RETIRED = { breakerThreshold: '`breakerFailureRatio` and `breakerMinAttempts`: the breaker now judges a window of attempts, see docs/delivery.md' };

/**
 * Validates the delivery options once; throws FootfallError naming the option. `underJest`:
 * the tracker runs inside a Jest test file, so by default it keeps no interval timer and no
 * exit hook, which would run after Jest has torn the file's modules down.
 */
export function resolveTrackerOptions(options: TrackerOptions, { underJest = false }: { underJest?: boolean } = {}): ResolvedTrackerOptions {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  refuseUnknownKeys(options, TRACKER_KEYS, 'createTracker', RETIRED);
  const destination = options.destination;
  if (destination === null || typeof destination !== 'object' || (destination.kind !== 'ga4' && destination.kind !== 'ua' && destination.kind !== 'queue')) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'destination', 'ga4({ measurementId, apiSecret }), collector(url), ua({ trackingId }) or queue({ redisUrl }) from footfall/queue', describeValue(destination));
  }
  const number = (name: keyof TrackerOptions, fallback: number, min = 1) => integerOption(name, options[name], fallback, min);
  const timeoutMs = number('timeoutMs', 5_000);
  const minTimeoutMs = number('minTimeoutMs', Math.min(250, timeoutMs));
  const retryBaseMs = number('retryBaseMs', 500);
  const retryMaxDelayMs = number('retryMaxDelayMs', Math.max(2_000, retryBaseMs));
  const breaker = resolveBreaker(options, destination.kind === 'queue' ? QUEUE_BREAKER_COOLDOWN_MS : BREAKER_COOLDOWN_MS);
  orderedOptions('minTimeoutMs', minTimeoutMs, 'timeoutMs', timeoutMs);
  orderedOptions('retryBaseMs', retryBaseMs, 'retryMaxDelayMs', retryMaxDelayMs);
  return Object.freeze({
    destination,
    timeoutMs,
    minTimeoutMs,
    flushIntervalMs: underJest && options.flushIntervalMs === undefined ? undefined : number('flushIntervalMs', destination.kind === 'queue' ? QUEUE_FLUSH_INTERVAL_MS : 5_000),
    maxQueueSize: number('maxQueueSize', 10_000),
    maxQueueBytes: number('maxQueueBytes', 8_388_608, 1024),
    maxInFlight: number('maxInFlight', 64),
    maxRetryMs: number('maxRetryMs', 60_000, 0),
    retryBaseMs,
    retryMaxDelayMs,
    breaker,
    closeTimeoutMs: number('closeTimeoutMs', 5_000, 0),
    flushOnExit: booleanOption('flushOnExit', options.flushOnExit, !underJest),
    closeOnSignals: booleanOption('closeOnSignals', options.closeOnSignals, false),
    onSuccess: functionOption('onSuccess', options.onSuccess),
    onFailure: functionOption('onFailure', options.onFailure),
    clock: options.clock ?? systemClock,
    transport: options.transport,
    sendInTests: booleanOption('sendInTests', options.sendInTests, false),
  });
}

/** How long an open breaker waits before its probe, and at most: HTTP destinations. */
const BREAKER_COOLDOWN_MS = { first: 5_000, max: 60_000 };
/** The same for a Redis queue: a probe costs nothing (a down Redis refuses at once), so it comes back within a second or five of Redis. */
const QUEUE_BREAKER_COOLDOWN_MS = { first: 1_000, max: 5_000 };

function resolveBreaker(options: TrackerOptions, defaults: { first: number; max: number }): BreakerSettings {
  const failureRatio = rateOption('breakerFailureRatio', options.breakerFailureRatio, 0.9);
  if (failureRatio === 0) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'breakerFailureRatio', 'a share above 0 and at most 1 (0.9 = 90% of attempts failed)', describeValue(failureRatio));
  const cooldownMs = integerOption('breakerCooldownMs', options.breakerCooldownMs, defaults.first, 1);
  const maxCooldownMs = integerOption('breakerMaxCooldownMs', options.breakerMaxCooldownMs, Math.max(defaults.max, cooldownMs), 1);
  orderedOptions('breakerCooldownMs', cooldownMs, 'breakerMaxCooldownMs', maxCooldownMs);
  return Object.freeze({
    failureRatio,
    minAttempts: integerOption('breakerMinAttempts', options.breakerMinAttempts, 20, 1),
    windowMs: integerOption('breakerWindowMs', options.breakerWindowMs, 10_000, 1),
    noSuccessMs: integerOption('breakerNoSuccessMs', options.breakerNoSuccessMs, 5_000, 1),
    cooldownMs,
    maxCooldownMs,
  });
}

const CLOSE_KEYS = optionKeys<CloseOptions>({ timeoutMs: true });

/** close()'s deadline: its `timeoutMs`, else `fallback`; throws a FootfallError for anything else. */
export function resolveCloseTimeoutMs(options: CloseOptions | undefined, fallback: number): number {
  if (options === undefined) return fallback;
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object like { timeoutMs: 5000 }', describeValue(options));
  refuseUnknownKeys(options, CLOSE_KEYS, 'close()');
  const timeoutMs = options.timeoutMs ?? fallback;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'timeoutMs', 'a number of milliseconds >= 0', describeValue(timeoutMs));
  }
  return timeoutMs;
}

import { createRandom } from './random.js';

/** How the collector misbehaves on purpose, for testing clients (the seed's Flask server). */
export interface FaultOptions {
  /** Share of ingest requests answered with the failure status, 0..1. @default 0, or 1 when `status` or `retryAfterS` is set */
  failRate?: number;
  /** Share of ingest requests held open for `hangMs` before an answer (the seed's stuck server), 0..1. @default 0 */
  hangRate?: number;
  /** How long a hanging request is held. @default 20_000 */
  hangMs?: number;
  /**
   * A held request is validated and stored first, then held, then answered (the seed's server
   * printed the hit, slept, then said OK): a client that gives up and retries sends a duplicate.
   * Without it a held request is stored only when its hold is over, and not at all if the client
   * left first. @default false
   */
  hangStores?: boolean;
  /** Added to every ingest request before it is answered. @default 0 */
  delayMs?: number;
  /** The failure status. @default 429 when `retryAfterS` is set, else 500 */
  status?: number;
  /** Sent as `Retry-After` (seconds) with failures. @default none */
  retryAfterS?: number;
  /** Seed for the fault draws. @default Date.now() */
  seed?: number;
}

/** What to do with one ingest request. */
export interface FaultDecision {
  /** Wait this long first (`delayMs` plus `?sleep=`). */
  readonly delayMs: number;
  /** Hold the request this long, then answer normally (0 = no hang). */
  readonly hangMs: number;
  /** Store the request before the hold rather than after it (`hangStores`, only set on a hang). */
  readonly storeFirst?: boolean;
  /** Answer with this status and store nothing (undefined = answer normally). */
  readonly failStatus?: number;
  readonly retryAfterS?: number;
}

export interface Faults {
  /** Draws the fate of one request; `sleepMs` is the request's own `?sleep=` (ms). */
  decide(sleepMs: number): FaultDecision;
  /** True when any fault is configured (printed at start). */
  readonly active: boolean;
  readonly describe: string;
}

/** Options after defaults, as `createFaults` uses them. */
export interface ResolvedFaults {
  failRate: number;
  hangRate: number;
  hangMs: number;
  hangStores: boolean;
  delayMs: number;
  status: number;
  retryAfterS?: number;
  seed: number;
}

export function resolveFaults(options: FaultOptions): ResolvedFaults {
  const failing = options.status !== undefined || options.retryAfterS !== undefined;
  const resolved: ResolvedFaults = {
    failRate: options.failRate ?? (failing ? 1 : 0),
    hangRate: options.hangRate ?? 0,
    hangMs: options.hangMs ?? 20_000,
    hangStores: options.hangStores ?? false,
    delayMs: options.delayMs ?? 0,
    status: options.status ?? (options.retryAfterS !== undefined ? 429 : 500),
    seed: options.seed ?? Date.now(),
  };
  if (options.retryAfterS !== undefined) resolved.retryAfterS = options.retryAfterS;
  return resolved;
}

/**
 * Each request draws twice from the seeded generator, in a fixed order (fail, then hang), so
 * for a given seed the n-th request always meets the same fate, whatever the timing.
 */
export function createFaults(options: ResolvedFaults): Faults {
  const random = createRandom(options.seed);
  const active = options.failRate > 0 || options.hangRate > 0 || options.delayMs > 0;
  return {
    active,
    describe: describeFaults(options),
    decide(sleepMs) {
      const failDraw = random();
      const hangDraw = random();
      const delayMs = options.delayMs + sleepMs;
      if (failDraw < options.failRate) {
        const decision: FaultDecision = { delayMs, hangMs: 0, failStatus: options.status };
        return options.retryAfterS === undefined ? decision : { ...decision, retryAfterS: options.retryAfterS };
      }
      if (!(hangDraw < options.hangRate)) return { delayMs, hangMs: 0 };
      return options.hangStores ? { delayMs, hangMs: options.hangMs, storeFirst: true } : { delayMs, hangMs: options.hangMs };
    },
  };
}

function describeFaults(options: ResolvedFaults): string {
  const parts: string[] = [];
  if (options.failRate > 0) parts.push(`${pct(options.failRate)} answered ${options.status}${options.retryAfterS === undefined ? '' : ` (Retry-After: ${options.retryAfterS})`}`);
  if (options.hangRate > 0) parts.push(`${pct(options.hangRate)} held ${options.hangMs} ms${options.hangStores ? ' (stored before the hold)' : ''}`);
  if (options.delayMs > 0) parts.push(`every answer delayed ${options.delayMs} ms`);
  if (parts.length === 0) return options.hangStores ? 'none (hang-stores has no effect without a hang rate)' : 'none';
  return `${parts.join(', ')}; seed ${options.seed}`;
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
